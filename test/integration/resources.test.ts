// RE-001..005 and the stress suite end to end, as a user runs them: run-all in a child process against the
// demo on its own ports. They pass on the demo, the demo bugs they exist to catch fail them, and whatever
// happens (a verdict, SIGINT, SIGTERM) nothing is left behind: no stress-ng, no cgroup, no mount, no ledger.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { stressorMissing } from "../../sdk/chaos/resource/stressor.ts";
import { scopeMissing } from "../../sdk/chaos/resource/target-scope.ts";
import type { RunJournal } from "../../sdk/core/journal.ts";
import { type ChildRun, demoPorts, journalOf, portOpen, runAllChild, shifted } from "./run-all-child.ts";

// Ports of their own (8080 + 3500 ...): other suites run the demo on other offsets at the same time.
const OFFSET = 3500;
const PORTS = demoPorts(OFFSET);
const CACHE_DIR = join(tmpdir(), `hivestorm-rbee-cache-${9201 + shifted(OFFSET)}`);
const skip = scopeMissing("process") ?? stressorMissing() ?? false;

type Run = ChildRun;

function runAll(args: string[], onStdout?: (text: string, child: ChildProcess) => void): Promise<Run> {
  return runAllChild(["--quick", ...args], { offset: OFFSET, timeoutMs: 240_000, onStdout });
}

function verdicts(j: RunJournal): Record<string, string> {
  return Object.fromEntries(j.scenarios.map((s) => [s.id, s.verdict]));
}

/**
 * The stressors (stress-ng, the built-in hog) a run started: they inherit its environment, whose ledger file is
 * its own. Other runs on the machine may start theirs meanwhile; they are not this run's leftovers.
 */
function stressorsOf(run: Run): number[] {
  const mark = `HIVESTORM_LEDGER=${run.ledger}`;
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        return (
          /^(stress-ng|hivestorm-hog)/.test(readFileSync(`/proc/${n}/comm`, "utf8")) &&
          readFileSync(`/proc/${n}/environ`, "utf8").split("\0").includes(mark)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** No stress-ng of this run, none of the cgroups its notes name, no mount over the cache, no ledger, no ports. */
async function assertNothingLeft(run: Run, j?: RunJournal): Promise<void> {
  assert.deepEqual(stressorsOf(run), [], "no stressor of this run left running");
  const notes = (j?.scenarios ?? []).flatMap((s) => s.notes).join("\n");
  for (const dir of notes.match(/\/sys\/fs\/cgroup\/[\w/.-]+hivestorm\/[\w.-]+/g) ?? [])
    assert.equal(existsSync(dir), false, `cgroup ${dir} removed`);
  const mounts = readFileSync("/proc/self/mountinfo", "utf8");
  assert.ok(!mounts.includes(` ${CACHE_DIR} `), `no mount left over ${CACHE_DIR}`);
  assert.equal(existsSync(run.ledger), false, "the ledger was emptied");
  for (const p of PORTS) assert.equal(await portOpen(p), false, `port ${p} closed after the run`);
}

describe("resource scenarios end to end", { skip }, () => {
  it("RE-001..005 pass against the demo and leave nothing behind", async () => {
    const run = await runAll(["--suite", "chaos", "--only", "RE-001,RE-002,RE-003,RE-004,RE-005"]);
    const j = journalOf(run);
    assert.deepEqual(
      verdicts(j),
      {
        "RE-001": "passed",
        "RE-002": "passed",
        "RE-003": "passed",
        "RE-004": "passed",
        "RE-005": "passed",
      },
      run.stdout,
    );
    assert.equal(run.code, 0);
    for (const s of j.scenarios) assert.ok(s.recovery?.recovered, `${s.id} measured its recovery`);
    assert.ok(j.scenarios.find((s) => s.id === "RE-005")?.notes.some((n) => /simulated VRAM/.test(n)));
    assert.ok(
      j.scenarios
        .find((s) => s.id === "RE-002")
        ?.notes.some((n) => /(stress-ng --vm|hivestorm-hog .*--vm-bytes)/.test(n)),
    );
    await assertNothingLeft(run, j);
  });

  it("--demo-bug crash-on-enospc fails RE-001; the crashed hive is restarted and RE-003 after it passes", async () => {
    const run = await runAll([
      "--suite",
      "chaos",
      "--only",
      "RE-001,RE-003",
      "--demo-bug",
      "crash-on-enospc",
    ]);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "RE-001": "failed", "RE-003": "passed" }, run.stdout);
    const [re1] = j.scenarios;
    assert.ok(
      re1.checks.some((c) => !c.ok && c.name === "hive does not crash"),
      JSON.stringify(re1.checks),
    );
    assert.deepEqual(
      re1.restorations?.map((r) => [r.service, r.ok]),
      [["hive", true]],
      JSON.stringify(re1.restorations),
    );
    assert.match(run.stdout, /restarted hive after RE-001/);
    assert.match(
      readFileSync(join(run.reportDir, j.runId, "REPORT.md"), "utf8"),
      /Services restarted after this scenario[\s\S]*?\| hive +\| its process \(pid \d+\) exited +\| yes/,
    );
    await assertNothingLeft(run, j);
  });

  for (const id of ["stress-disk"]) {
    it(`--demo-bug crash-on-enospc fails ${id}`, async () => {
      const suite = id.startsWith("RE") ? "chaos" : "stress";
      const run = await runAll(["--suite", suite, "--only", id, "--demo-bug", "crash-on-enospc"]);
      const j = journalOf(run);
      assert.equal(verdicts(j)[id], "failed", run.stdout);
      const failed = j.scenarios[0].checks.filter((c) => !c.ok).map((c) => c.name);
      assert.ok(failed.includes("hive does not crash"), failed.join(", "));
      await assertNothingLeft(run, j);
    });
  }

  it("--demo-bug unbounded-queue fails the combined stress: the queue grows past its bound, nothing is shed", async () => {
    const run = await runAll([
      "--suite",
      "stress",
      "--only",
      "stress-combined",
      "--demo-bug",
      "unbounded-queue",
    ]);
    const j = journalOf(run);
    assert.equal(verdicts(j)["stress-combined"], "failed", run.stdout);
    // Judged on the queen's own counters, not on time: a fast machine answers the whole burst in the bound.
    const check = j.scenarios[0].checks.find((c) => /sheds instead of queueing/.test(c.name));
    assert.equal(check?.ok, false, JSON.stringify(check));
    await assertNothingLeft(run, j);
  });

  for (const [signal, id, when] of [
    ["SIGTERM", "stress-combined", /applied memory/],
    ["SIGINT", "RE-001", /applied disk/],
  ] as const) {
    it(`${signal} in the middle of ${id} reverts everything`, async () => {
      let sent = false;
      const suite = id.startsWith("RE") ? "chaos" : "stress";
      const run = await runAll(["--suite", suite, "--only", id], (out, child) => {
        if (!sent && when.test(out)) {
          sent = true;
          child.kill(signal);
        }
      });
      assert.ok(sent, run.stdout);
      // 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
      assert.equal(run.code, signal === "SIGINT" ? 130 : 143, run.stdout + run.stderr);
      const j = journalOf(run);
      assert.equal(j.status, "interrupted");
      await assertNothingLeft(run, j);
    });
  }
});
