import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inferencePattern, spikePattern, stressPattern } from "../../scenarios/_lib/rbee-patterns.ts";
import { makeScope, within } from "../../sdk/core/run-scope.ts";

const target = "http://127.0.0.1:8080";
const shape = (p: ReturnType<typeof inferencePattern>) => {
  const r = p.resolve();
  return { start: r.startTarget, stages: r.stages.map((s) => [s.durationMs / 1000, s.target]) };
};

describe("rbee load patterns", () => {
  it("inference: 0→1000 users in 5 min, hold 10 min, down in 1 min", () => {
    assert.deepEqual(shape(inferencePattern({ target })), {
      start: 0,
      stages: [
        [300, 1000],
        [600, 1000],
        [60, 0],
      ],
    });
  });
  it("stress: 100→5000 in 12 min, hold 5 min, down in 2 min", () => {
    assert.deepEqual(shape(stressPattern({ target })), {
      start: 100,
      stages: [
        [720, 5000],
        [300, 5000],
        [120, 0],
      ],
    });
  });
  it("spike: 100, →2000 in 10 s, hold 1 min, back to 100, →3000 in 10 s, hold 1 min", () => {
    assert.deepEqual(shape(spikePattern({ target })), {
      start: 100,
      stages: [
        [10, 2000],
        [60, 2000],
        [10, 100],
        [10, 3000],
        [60, 3000],
      ],
    });
  });
  it("carry the rbee thresholds, a status check and 1 s think time", () => {
    for (const p of [inferencePattern({ target }), stressPattern({ target }), spikePattern({ target })]) {
      const r = p.resolve();
      assert.deepEqual(
        r.thresholds.map((t) => `${t.metric} ${t.expression}`),
        [
          "http_req_failed rate<0.01",
          "http_req_duration p(95)<500",
          "http_req_duration p(99)<1000",
          "checks rate>0.99",
        ],
      );
      assert.equal(r.checks.length, 1);
      assert.equal(r.thinkTimeMs, 1000);
      assert.ok(p.problems().length === 0);
    }
  });
  it("follow the time scale (--quick)", () => {
    within(makeScope({ timeScale: 0.01 }), () => {
      assert.equal(inferencePattern({ target }).resolve().totalMs, 9600);
    });
  });
});
