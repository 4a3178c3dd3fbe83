import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { arrivals, targetAt, toLayers, toSteps } from "../../sdk/load/stages.ts";

describe("targetAt", () => {
  const stages = [
    { durationMs: 1000, target: 100 },
    { durationMs: 2000, target: 100 },
    { durationMs: 1000, target: 0 },
  ];
  it("interpolates linearly within a stage and holds after the end", () => {
    assert.equal(targetAt(0, stages, 0), 0);
    assert.equal(targetAt(0, stages, 500), 50);
    assert.equal(targetAt(0, stages, 2000), 100);
    assert.equal(targetAt(0, stages, 3500), 50);
    assert.equal(targetAt(0, stages, 9999), 0);
  });
});

describe("toSteps and toLayers", () => {
  const cases = {
    ramp: { start: 0, stages: [{ durationMs: 5000, target: 1000 }] },
    "ramp hold down": {
      start: 0,
      stages: [
        { durationMs: 300_000, target: 1000 },
        { durationMs: 600_000, target: 1000 },
        { durationMs: 60_000, target: 0 },
      ],
    },
    spike: {
      start: 100,
      stages: [
        { durationMs: 10_000, target: 2000 },
        { durationMs: 60_000, target: 2000 },
        { durationMs: 10_000, target: 100 },
        { durationMs: 10_000, target: 3000 },
        { durationMs: 60_000, target: 3000 },
      ],
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(`${name}: layers running at any step add up to the step's users`, () => {
      const steps = toSteps(c.start, c.stages);
      const layers = toLayers(steps);
      for (const s of steps) {
        const mid = (s.startMs + s.endMs) / 2;
        const running = layers
          .filter((l) => l.startMs <= mid && l.endMs > mid)
          .reduce((n, l) => n + l.connections, 0);
        assert.equal(running, s.users, `at ${mid} ms`);
      }
      assert.ok(layers.every((l) => l.connections > 0 && l.endMs > l.startMs));
      // steps tile the plan without gaps
      for (let i = 1; i < steps.length; i++) assert.equal(steps[i].startMs, steps[i - 1].endMs);
    });
  }
  it("cuts a 5-minute ramp into 1-second steps at the midpoint value", () => {
    const steps = toSteps(0, [{ durationMs: 300_000, target: 1000 }]);
    assert.equal(steps.length, 300);
    assert.equal(steps[0].users, 2); // 1000 * 0.5/300 rounded
    assert.equal(steps.at(-1)!.users, 998);
    assert.equal(steps.at(-1)!.endMs, 300_000);
  });
  it("merges equal consecutive steps (a hold is one step)", () => {
    const steps = toSteps(10, [
      { durationMs: 1000, target: 10 },
      { durationMs: 1000, target: 10 },
    ]);
    assert.deepEqual(steps, [{ startMs: 0, endMs: 2000, users: 10 }]);
  });
});

describe("arrivals", () => {
  it("paces a constant rate evenly", () => {
    const times = [...arrivals(100, [{ durationMs: 1000, target: 100 }])];
    assert.equal(times.length, 100);
    for (let i = 1; i < times.length; i++) assert.ok(Math.abs(times[i] - times[i - 1] - 10) < 1e-6);
  });
  it("follows a ramp: the count matches the area under the rate", () => {
    const times = [...arrivals(0, [{ durationMs: 10_000, target: 200 }])];
    // area = 0.5 * 10 s * 200/s = 1000
    assert.ok(Math.abs(times.length - 1000) <= 1, `${times.length}`);
    const firstHalf = times.filter((t) => t < 5000).length;
    assert.ok(Math.abs(firstHalf - 250) <= 2, `${firstHalf}`); // a quarter of the area
    for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1]);
  });
  it("sends nothing at rate zero", () => {
    assert.equal([...arrivals(0, [{ durationMs: 5000, target: 0 }])].length, 0);
  });
});
