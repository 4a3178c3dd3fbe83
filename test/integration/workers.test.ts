// WC-001..005 end to end, as a user runs them: run-all in a child process against the demo on local processes,
// each judged on what the hive did. The bug switches that must fail them are in workers-bugs.test.ts, the same
// in containers in test/e2e/workers-containers.test.ts.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { cgroupSupport } from "../../sdk/system/cgroup/cgroup-support.ts";
import { journalOf, verdicts } from "./run-all-child.ts";
import { ALL_WC as ALL, byId, check, ms, workerRuns } from "./worker-runs.ts";

// Ports of their own (8080 + 2500 ...): other helpers run the suite at other offsets at the same time.
const { runAll, assertNothingLeft } = workerRuns(2500);

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
});
