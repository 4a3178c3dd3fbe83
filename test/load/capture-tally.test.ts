import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CaptureCounts, CaptureTally, mergeCounts } from "../../sdk/load/capture-tally.ts";
import { Recorder } from "../../sdk/load/recorder.ts";

describe("CaptureTally", () => {
  it("keeps the first maxValues distinct values per capture and counts later new ones as (other)", () => {
    const tally = new CaptureTally(2);
    const run: CaptureCounts = {};
    for (const id of ["r1", "r2", "r3", "r1", "r4"]) tally.add({ id, cls: "2xx" }, run);
    tally.add({ id: null, cls: null }, run);
    assert.deepEqual(run, { id: { r1: 2, r2: 1, "(other)": 3 }, cls: { "2xx": 5, "(none)": 1 } });
  });

  it("counts into several tallies at once, and merges", () => {
    const tally = new CaptureTally();
    const a: CaptureCounts = {};
    const b: CaptureCounts = {};
    tally.add({ backend: "A" }, a, b);
    tally.add({ backend: "B" }, a);
    mergeCounts(b, a);
    assert.deepEqual(b, { backend: { A: 2, B: 1 } });
  });
});

describe("Recorder captures", () => {
  it("counts captured values per second of completion and over the run; a late response folds into the last", () => {
    const rec = new Recorder({ t0: 0, model: "open", plannedAt: () => 10, maxCaptureValues: 2 });
    rec.capture(100, { backend: "A" });
    rec.capture(900, { backend: "B" });
    rec.capture(1100, { backend: "B" });
    rec.capture(1200, { backend: "C" });
    rec.tick(1000);
    rec.capture(3500, { backend: "A" }); // completes after the end of the run
    rec.finish(1500);
    assert.deepEqual(
      rec.timeline.map((s) => s.captures),
      [{ backend: { A: 1, B: 1 } }, { backend: { B: 1, "(other)": 1, A: 1 } }],
    );
    assert.deepEqual(rec.captures, { backend: { A: 2, B: 2, "(other)": 1 } });
    rec.destroy();
  });

  it("adds no captures field to a sample when nothing was captured", () => {
    const rec = new Recorder({ t0: 0, model: "closed", plannedAt: () => 1 });
    rec.record(0, 1, 200);
    rec.finish(500);
    assert.equal("captures" in rec.timeline[0], false);
    rec.destroy();
  });
});
