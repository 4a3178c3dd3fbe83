// The demo's bug switches fail the worker crash scenarios they break, on local processes: run-all in a child
// process with the switches on, on its own ports.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cgroupSupport } from "../../sdk/system/cgroup/cgroup-support.ts";
import { journalOf } from "./run-all-child.ts";
import { byId, check, workerRuns } from "./worker-runs.ts";

// Ports of their own (8080 + 2750 ...): workers.test.ts runs at 2500, maybe at the same time.
const { runAll, assertNothingLeft } = workerRuns(2750);

describe("worker crash scenarios with the demo's bug switches", { timeout: 900_000 }, () => {
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
});
