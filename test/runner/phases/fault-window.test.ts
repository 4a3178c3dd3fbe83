import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeScope, within } from "../../../sdk/core/run-scope.ts";
import { sleep } from "../../../sdk/core/sleep.ts";
import { load } from "../../../sdk/load/load.ts";
import { faultDurationMs, runFaultWindow } from "../../../sdk/runner/phases/fault-window.ts";
import type { FaultScenario } from "../../../sdk/runner/scenario.ts";
import { base, fakeFault, newRun } from "../fakes.ts";

describe("faultDurationMs", () => {
  it("is the duration, time-scaled, never under the minimum; 0 for a load scenario", () => {
    const def = { ...base, fault: [], duration: "20s", minDuration: "3s" };
    assert.equal(faultDurationMs(def), 20_000);
    assert.equal(
      within(makeScope({ timeScale: 0.5 }), () => faultDurationMs(def)),
      10_000,
    );
    assert.equal(
      within(makeScope({ timeScale: 0.05 }), () => faultDurationMs(def)),
      3000,
      "the minimum is not scaled",
    );
    assert.equal(faultDurationMs({ ...base, fault: [] }), 20_000, "default 20 s");
    assert.equal(faultDurationMs({ ...base, load: { plan: load.rate(1, "1s") } }), 0);
  });
});

describe("runFaultWindow", () => {
  it("applies the declared faults in order, runs beside alongside the hold, beforeRevert after both", async () => {
    const events: string[] = [];
    const t0 = Date.now();
    const times: Record<string, number> = {};
    const at = (what: string) => {
      events.push(what);
      times[what] = Date.now() - t0;
    };
    const def: FaultScenario = {
      ...base,
      duration: "600ms",
      minDuration: "10ms",
      fault: [fakeFault("a", events), fakeFault("b", events), fakeFault("c", events)],
      before: async (ctx) => {
        ctx.record("before", true);
        events.push("before");
      },
      beside: async (_ctx, handles) => {
        events.push(`beside got ${handles.map((h) => h.description).join(",")}`);
        await sleep(300);
        at("beside done");
      },
      beforeRevert: async (_ctx, handles) => {
        at("beforeRevert");
        assert.equal(handles.length, 3);
        assert.equal(
          handles.every((h) => h.revertedAt === undefined),
          true,
          "faults still applied",
        );
      },
    };
    const run = newRun(def);
    await runFaultWindow(run);
    assert.deepEqual(events.slice(0, 5), [
      "before",
      "apply a",
      "apply b",
      "apply c",
      "beside got fake a,fake b,fake c",
    ]);
    assert.deepEqual(events.slice(5), ["beside done", "beforeRevert"]);
    // beside (300 ms) ran inside the 600 ms hold, not before or after it: beforeRevert comes at about 600 ms,
    // not 300 (no hold) nor 900 (one after the other).
    assert.ok(
      times.beforeRevert >= 590 && times.beforeRevert < 880,
      `beforeRevert at ${times.beforeRevert} ms`,
    );
    assert.equal(run.handles.length, 3, "every applied fault is the run's, to revert");
    assert.deepEqual(
      run.faults.map((f) => f.description),
      ["fake a", "fake b", "fake c"],
    );
    await run.revertAll();
    run.dispose();
  });

  it("the window lasts at least until beside returns", async () => {
    const events: string[] = [];
    const def: FaultScenario = {
      ...base,
      duration: "50ms",
      minDuration: "10ms",
      fault: fakeFault("a", events),
      beside: async () => {
        await sleep(300);
        events.push("beside done");
      },
      beforeRevert: async () => {
        events.push("beforeRevert");
      },
    };
    const run = newRun(def);
    await runFaultWindow(run);
    assert.deepEqual(events, ["apply a", "beside done", "beforeRevert"]);
    await run.revertAll();
    run.dispose();
  });

  it("applies nothing after an abort, and skips beforeRevert", async () => {
    const events: string[] = [];
    const ac = new AbortController();
    const def: FaultScenario = {
      ...base,
      duration: "60s",
      minDuration: "10ms",
      fault: [
        fakeFault("a", events, { onApply: () => ac.abort(new Error("SIGINT")) }),
        fakeFault("b", events),
      ],
      beforeRevert: async () => {
        events.push("beforeRevert");
      },
    };
    const run = newRun(def, { signal: ac.signal });
    const t0 = Date.now();
    await runFaultWindow(run);
    assert.ok(Date.now() - t0 < 5000, "the hold ended with the abort");
    assert.deepEqual(events, ["apply a"]);
    await run.revertAll();
    assert.deepEqual(events, ["apply a", "revert a"], "what was applied is still the run's to revert");
    run.dispose();
  });

  it("an abort before the window applies nothing at all", async () => {
    const events: string[] = [];
    const run = newRun({ ...base, fault: fakeFault("a", events) }, { signal: AbortSignal.abort() });
    await runFaultWindow(run);
    assert.deepEqual(events, []);
    run.dispose();
  });

  it("a steps scenario runs its own steps; a load scenario has no window", async () => {
    const events: string[] = [];
    const steps = newRun({
      ...base,
      steps: async (ctx) => {
        events.push("steps");
        await ctx.apply(fakeFault("s", events));
      },
    });
    await runFaultWindow(steps);
    assert.deepEqual(events, ["steps", "apply s"]);
    assert.equal(steps.handles.length, 1);
    await steps.revertAll();
    steps.dispose();
    const loadRun = newRun({ ...base, load: { plan: load.rate(1, "1s") } });
    const t0 = Date.now();
    await runFaultWindow(loadRun);
    assert.ok(Date.now() - t0 < 100);
    loadRun.dispose();
  });
});
