import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Recorder } from "../../sdk/load/recorder.ts";
import type { LoadSample } from "../../sdk/load/types.ts";

describe("Recorder", () => {
  it("buckets requests by completion second, counts statuses and kinds, and emits samples", () => {
    const samples: LoadSample[] = [];
    const rec = new Recorder({
      t0: 0,
      model: "closed",
      plannedAt: (ms) => ms / 100,
      onSample: (s) => samples.push(s),
    });
    rec.record(100, 2, 200); // completes at 102 ms
    rec.record(900, 200, 302); // completes at 1100 ms: second 1
    rec.record(1200, 1, 503);
    rec.record(1300, 0, 0, "refused");
    rec.tick(2000);
    assert.equal(samples.length, 2);
    assert.deepEqual(
      samples.map((s) => [s.t, s.users, s.requests, s.errors]),
      [
        [0, 5, 1, 0],
        [1, 15, 3, 2],
      ],
    );
    assert.equal(samples[0].p50, 2);
    const elapsed = rec.finish(2500);
    assert.equal(elapsed, 2500);
    assert.equal(rec.timeline.length, 3);
    assert.equal(rec.timeline[2].rps, 0);
    const t = rec.snapshotTotals();
    assert.deepEqual(t.byStatus, { "0": 1, "200": 1, "302": 1, "503": 1 });
    assert.deepEqual(t.byKind, { refused: 1 });
    assert.equal(t.ok, 2);
    assert.equal(t.failed, 2);
    rec.destroy();
  });
  it("reports the last, partial second as a rate", () => {
    const rec = new Recorder({ t0: 0, model: "open", plannedAt: () => 10 });
    rec.record(0, 10, 200);
    rec.drop(50);
    rec.finish(500);
    assert.deepEqual(
      rec.timeline.map((s) => [s.requests, s.rps, s.dropped, s.targetRate]),
      [[1, 2, 1, 10]],
    );
    rec.destroy();
  });
});
