// WC-001..005 end to end, as a user runs them: run-all in a child process against the demo, on local processes
// and in containers; the demo's bug switches must make the scenarios they break fail.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { RunJournal, ScenarioResult } from "../../sdk/core/journal.ts";
import { cgroupSupport } from "../../sdk/system/cgroup/cgroup-support.ts";
import { listContainers } from "../../sdk/system/targets/docker-containers.ts";
import { dockerAvailability } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage } from "../../sdk/system/targets/node-image.ts";
import {
  assertNothingLeft as assertClean,
  type ChildRun,
  demoPorts,
  journalOf,
  runAllChild,
  shifted,
} from "./run-all-child.ts";

// Ports of their own (8080 + 2500 ...): other helpers run the suite at other offsets at the same time.
const OFFSET = 2500;
const PORTS = demoPorts(OFFSET);
const ALL = "WC-001,WC-002,WC-003,WC-004,WC-005";

const runAll = (args: string[]) => runAllChild(args, { offset: OFFSET, timeoutMs: 240_000 });
const assertNothingLeft = (run: ChildRun) => assertClean(run, PORTS);

const byId = (j: RunJournal) =>
  Object.fromEntries(j.scenarios.map((s) => [s.id, s])) as Record<string, ScenarioResult>;
const verdicts = (j: RunJournal) => Object.fromEntries(j.scenarios.map((s) => [s.id, s.verdict]));
const check = (s: ScenarioResult, name: RegExp) => {
  const c = s.checks.find((x) => name.test(x.name));
  assert.ok(c, `${s.id} has a check ${name}: ${JSON.stringify(s.checks.map((x) => x.name))}`);
  return c;
};
const ms = (observed: string) => Number(/^(\d+) ms/.exec(observed)?.[1] ?? Number.NaN);

describe("worker crash scenarios (WC-001..005)", { timeout: 900_000 }, () => {
  it("pass against the demo on local processes, each judged on what the hive did", async () => {
    const run = await runAll(["--quick", "--only", ALL]);
    const j = journalOf(run);
    const oom = cgroupSupport().ok;
    assert.deepEqual(
      verdicts(j),
      {
        "WC-001": "passed",
        "WC-002": "passed",
        "WC-003": oom ? "passed" : "skipped",
        "WC-004": "passed",
        "WC-005": "passed",
      },
      run.stdout,
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const s = byId(j);
    for (const x of j.scenarios.filter((y) => y.verdict === "passed")) {
      assert.ok(
        x.faults.length >= 1 && x.faults.every((f) => f.revertedAt !== undefined),
        `${x.id} fault windows`,
      );
      assert.ok(
        x.faults.every((f) => f.kind.startsWith("process-")),
        `${x.id} process faults`,
      );
      const evicted = ms(check(x, /evicts|notices/).observed);
      assert.ok(evicted >= 0 && evicted <= 5000, `${x.id} eviction measured: ${evicted}`);
      const replaced = ms(check(x, /capacity comes back/).observed);
      assert.ok(replaced > 0 && replaced <= 25_000, `${x.id} replacement measured: ${replaced}`);
    }
    assert.match(check(s["WC-001"], /fault bit/).observed, /^[1-9]\d* in flight/);
    assert.equal(check(s["WC-002"], /fault bit/).observed, "state loading");
    assert.match(s["WC-002"].notes.join("\n"), /killed worker-\d+ \(pid \d+\) in state loading/);
    if (oom) {
      assert.match(
        s["WC-003"].notes.join("\n"),
        /OOM produced by cgroup-v\d-memory-(limit|max).*oom_kill 0 → 1/,
      );
    } else assert.match(s["WC-003"].enable ?? "", /root|cgroup/);
    assert.match(s["WC-004"].notes.join("\n"), /exited by itself after \d+ ms/);
    assert.equal(check(s["WC-005"], /fault bit/).observed, "2 of 4");
    const report = readFileSync(join(run.reportDir, j.runId, "REPORT.md"), "utf8");
    for (const id of ["WC-001", "WC-002", "WC-003", "WC-004", "WC-005"]) assert.match(report, new RegExp(id));
    await assertNothingLeft(run);
  });

  it("--demo-bug no-eviction fails WC-001 and WC-003 (the dead worker stays listed); ignore-sigterm fails WC-004 and shows the forced kill", async (t) => {
    const oom = cgroupSupport().ok;
    if (!oom) t.diagnostic("WC-003 needs a memory cgroup: only WC-001 and WC-004 are run");
    const bugs = ["--demo-bug", "no-eviction", "--demo-bug", "ignore-sigterm"];
    const run = await runAll(["--quick", "--only", oom ? "WC-001,WC-003,WC-004" : "WC-001,WC-004", ...bugs]);
    assert.equal(run.code, 1, run.stdout);
    const s = byId(journalOf(run));
    for (const id of oom ? ["WC-001", "WC-003"] : ["WC-001"]) {
      assert.equal(s[id].verdict, "failed", s[id].reason);
      const c = check(s[id], /the hive evicts/);
      assert.equal(c.ok, false);
      assert.match(c.observed, /^never: still listed after 10000 ms/);
    }
    const wc4 = s["WC-004"];
    assert.equal(wc4.verdict, "failed");
    const graceful = check(wc4, /shuts down gracefully/);
    assert.equal(graceful.ok, false);
    const after = Number(/gone after (\d+) ms/.exec(graceful.observed)?.[1]);
    assert.ok(after >= 2900 && after <= 4500, `SIGKILLed at the 3 s grace: ${graceful.observed}`);
    assert.equal(check(wc4, /killed when it ends/).ok, true);
    assert.match(wc4.notes.join("\n"), /was SIGKILLed/);
    await assertNothingLeft(run);
  });

  it("--dry-run shows what each selector resolves to and starts nothing", async () => {
    const run = await runAll(["--dry-run", "--only", ALL]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /WC-001[\s\S]*fault: SIGKILL to 1 of @workers during inference .*\(@workers → the instances of hive\)/,
    );
    assert.match(run.stdout, /WC-005[\s\S]*fault: SIGKILL to 50% of @workers/);
    assert.deepEqual(readdirSync(run.reportDir), []);
    await assertNothingLeft(run);
  });

  it("--target docker with ignore-sigterm: WC-004 fails and shows the forced kill of the container", async (t) => {
    const d = await dockerAvailability();
    if (!d.ok) return t.skip(`no Docker engine (${d.reason}): bash .ci/setup-docker.sh`);
    await buildNodeImage({
      entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
    });
    const run = await runAll([
      "--quick",
      "--target",
      "docker",
      "--only",
      "WC-004",
      "--demo-bug",
      "ignore-sigterm",
    ]);
    assert.equal(run.code, 1, run.stdout);
    const s = byId(journalOf(run));
    assert.equal(s["WC-004"].verdict, "failed");
    assert.match(run.stdout, /WC-004: hit container worker-\d+/);
    assert.equal(check(s["WC-004"], /the hive notices/).ok, true);
    assert.match(
      check(s["WC-004"], /shuts down gracefully/).observed,
      /^forced: .*SIGKILLed, gone after \d+ ms/,
    );
    await assertNothingLeft(run);
  });

  it("--target docker: WC-001 and WC-003 pass with the demo in containers, workers as containers", async (t) => {
    const d = await dockerAvailability();
    if (!d.ok) return t.skip(`no Docker engine (${d.reason}): bash .ci/setup-docker.sh`);
    // Up to date in a second when .ci/run built it already.
    await buildNodeImage({
      entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
    });
    const run = await runAll(["--quick", "--target", "docker", "--only", "WC-001,WC-003"]);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "WC-001": "passed", "WC-003": "passed" }, run.stdout);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /starting hive in docker: hivestorm\/node:local/);
    assert.match(
      run.stdout,
      new RegExp(`WC-001: hit container worker-\\d+ \\(hivestorm-worker-${9300 + shifted(OFFSET)}-\\d\\)`),
    );
    const wc3 = byId(j)["WC-003"];
    assert.match(wc3.notes.join("\n"), /OOM produced by docker-memory-limit.*State\.OOMKilled true/);
    assert.match(readFileSync(join(run.reportDir, j.runId, "run.log"), "utf8"), /hive\.docker\.log/);
    await assertNothingLeft(run);
    const left = await listContainers({
      names: [`hivestorm-hive-${9201 + shifted(OFFSET)}`, `hivestorm-worker-${9300 + shifted(OFFSET)}`],
    });
    assert.deepEqual(
      left.map((c) => c.Names),
      [],
      "no container left",
    );
  });
});
