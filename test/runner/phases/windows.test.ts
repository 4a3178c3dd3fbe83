import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SampleColumns } from "../../../sdk/core/journal.ts";
import { completedBy, scenarioWindows, windowTimes } from "../../../sdk/runner/phases/windows.ts";

/** One request every 100 ms from t=0 to t=9900, 10 ms each; those started in [4000, 6000) failed and took 900 ms. */
function samples(): SampleColumns {
  const s: SampleColumns = { t: [], latencyMs: [], status: [], ok: [] };
  for (let t = 0; t < 10_000; t += 100) {
    const hit = t >= 4000 && t < 6000;
    s.t.push(t);
    s.latencyMs.push(hit ? 900 : 10);
    s.status.push(hit ? 0 : 200);
    s.ok.push(!hit);
  }
  return s;
}

describe("scenarioWindows", () => {
  it("before is the baseline up to the fault, during is apply → revert, after starts where recovery said", () => {
    const w = scenarioWindows(samples(), {
      ...{ faultStart: 4000, faultEnd: 6000, baselineMs: 2000 },
      ...{ afterStart: 7000, windowMs: 1000 },
    });
    assert.deepEqual([w.before?.start, w.before?.end], [2000, 4000]);
    assert.deepEqual([w.during?.start, w.during?.end], [4000, 6000]);
    assert.deepEqual([w.after?.start, w.after?.end], [7000, 8000]);
    assert.equal(w.during?.requests, 20);
    assert.equal(w.during?.ok, 0, "the fault's own window holds the failures");
    assert.equal(w.after?.requests, 10);
    assert.equal(w.after?.ok, 10);
  });

  it("a request in flight when the fault began belongs to no baseline", () => {
    const s = samples();
    s.latencyMs[39] = 250; // started at 3900, still running at 4000
    const w = scenarioWindows(s, {
      ...{ faultStart: 4000, faultEnd: 6000, baselineMs: 2000 },
      ...{ afterStart: 7000, windowMs: 1000 },
    });
    assert.equal(w.before?.requests, 19);
    assert.equal(w.before?.max, 10);
  });

  it("follows the fault's times, not fixed phases: a short fault has a short during", () => {
    const w = scenarioWindows(samples(), {
      ...{ faultStart: 4000, faultEnd: 4500, baselineMs: 1000 },
      ...{ afterStart: 6000, windowMs: 500 },
    });
    assert.equal(w.during?.requests, 5);
    assert.equal(w.before?.requests, 10);
    assert.equal(w.after?.requests, 5);
  });
});

describe("completedBy", () => {
  it("keeps the samples finished by the time given, all columns together", () => {
    const s: SampleColumns = {
      t: [0, 10, 20],
      latencyMs: [5, 50, 1],
      status: [200, 0, 503],
      ok: [true, false, false],
    };
    assert.deepEqual(completedBy(s, 25), {
      t: [0, 20],
      latencyMs: [5, 1],
      status: [200, 503],
      ok: [true, false],
    });
    assert.deepEqual(completedBy(s, 60).t, [0, 10, 20]);
  });
});

describe("windowTimes", () => {
  it("measures from the fault's own apply and revert; 'after' starts once recovered, or at the deadline", () => {
    const fault = { start: 11_000, end: 19_000 };
    assert.deepEqual(windowTimes(10_000, fault, 2000, { timeToRecoverMs: 300, deadlineMs: 15_000 }, 3000), {
      faultStart: 1000,
      faultEnd: 9000,
      baselineMs: 2000,
      afterStart: 9300,
      windowMs: 3000,
    });
    assert.equal(
      windowTimes(10_000, fault, 2000, { timeToRecoverMs: null, deadlineMs: 15_000 }, 3000).afterStart,
      24_000,
    );
  });
});
