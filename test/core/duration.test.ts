import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkTimeScale,
  durationProblem,
  formatDuration,
  getTimeScale,
  MAX_TIMER_MS,
  parseDuration,
  parsePositiveDuration,
  scaledDuration,
} from "../../sdk/core/duration.ts";
import { DurationError } from "../../sdk/core/errors.ts";
import { enterAmbient, makeScope, within } from "../../sdk/core/run-scope.ts";

describe("parseDuration", () => {
  it("parses every unit to milliseconds", () => {
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("60s"), 60_000);
    assert.equal(parseDuration("5m"), 300_000);
    assert.equal(parseDuration("1h"), 3_600_000);
    assert.equal(parseDuration("1.5s"), 1500);
    assert.equal(parseDuration("1m30s"), 90_000);
    assert.equal(parseDuration("250us"), 0.25);
    assert.equal(parseDuration(" 2s "), 2000);
  });
  it("takes numbers and numeric strings as milliseconds", () => {
    assert.equal(parseDuration(1234), 1234);
    assert.equal(parseDuration("750"), 750);
    assert.equal(parseDuration(0), 0);
  });
  for (const bad of ["", "  ", "5 minutes", "s", "-1s", "1x", "ms5", "1m30", Number.NaN, -5, Infinity]) {
    it(`refuses ${JSON.stringify(bad)} with a DurationError that says what to write`, () => {
      assert.throws(
        () => parseDuration(bad as string),
        (e: unknown) => e instanceof DurationError && /expected: .*"500ms"/.test(e.message),
      );
    });
  }
  it("refuses non-strings", () => {
    assert.throws(() => parseDuration({} as unknown as string), DurationError);
  });
  it("parsePositiveDuration refuses zero, names the field", () => {
    assert.throws(() => parsePositiveDuration("0s", "hold"), /hold \(must be greater than zero\)/);
    assert.equal(parsePositiveDuration("1s"), 1000);
  });
  it("durationProblem returns text or undefined", () => {
    assert.equal(durationProblem("5m"), undefined);
    assert.match(durationProblem("five") ?? "", /expected a duration/);
    assert.match(durationProblem(0, { positive: true }) ?? "", /greater than zero/);
  });
});

describe("formatDuration", () => {
  it("formats for people", () => {
    assert.equal(formatDuration(850), "850ms");
    assert.equal(formatDuration(1500), "1.5s");
    assert.equal(formatDuration(90_000), "1m30s");
    assert.equal(formatDuration(3_600_000), "1h");
    assert.equal(formatDuration(0.25), "250µs");
  });
});

describe("time scale", () => {
  it("scales phase durations within a run's scope, not parsing", () => {
    within(makeScope({ timeScale: 0.1 }), () => {
      assert.equal(getTimeScale(), 0.1);
      assert.equal(scaledDuration("5m"), 30_000);
      assert.equal(parseDuration("5m"), 300_000);
    });
    assert.equal(getTimeScale(), 1, "outside any scope the scale is 1");
  });
  it("travels with the run: two scopes in one process never share it", async () => {
    const a = within(makeScope({ timeScale: 0.5 }), async () => {
      await new Promise((r) => setTimeout(r, 20));
      return scaledDuration("1s");
    });
    const b = within(makeScope({ timeScale: 2 }), async () => scaledDuration("1s"));
    assert.deepEqual(await Promise.all([a, b]), [500, 2000]);
  });
  it("an ambient scope (a script's testbed) applies until it is left", () => {
    const leave = enterAmbient(makeScope({ timeScale: 0.25 }));
    assert.equal(scaledDuration("4s"), 1000);
    leave();
    assert.equal(getTimeScale(), 1);
  });
  it("refuses a factor outside its bounds, naming them", () => {
    for (const bad of [0, -1, Number.NaN, 1e9, 1e-9, Number.POSITIVE_INFINITY])
      assert.throws(
        () => checkTimeScale(bad),
        (e: Error) => e instanceof DurationError && /0\.001 to 1000/.test(e.message),
      );
    assert.equal(checkTimeScale(0.05), 0.05);
  });
  it("refuses a duration longer than a Node timer can wait, with the limit", () => {
    assert.equal(parseDuration(MAX_TIMER_MS), MAX_TIMER_MS);
    for (const long of [MAX_TIMER_MS + 1, "1000h", 1e12])
      assert.throws(
        () => parseDuration(long, "fault duration"),
        /fault duration .* is too long[\s\S]*at most 2147483647 ms/,
      );
    assert.match(durationProblem("600h") ?? "", /at most 2147483647 ms/);
  });
});
