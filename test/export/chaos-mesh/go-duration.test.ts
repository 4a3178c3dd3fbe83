import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDuration } from "../../../sdk/core/duration.ts";
import {
  goDuration,
  goDurationProblem,
  singleUnitDuration,
  singleUnitProblem,
} from "../../../sdk/export/chaos-mesh/go-duration.ts";

describe("goDuration", () => {
  it("writes milliseconds in Go's syntax, and reads back to the same milliseconds", () => {
    const cases: [number, string][] = [
      [0, "0s"],
      [500, "500ms"],
      [1500, "1s500ms"],
      [20_000, "20s"],
      [90_000, "1m30s"],
      [3_600_000, "1h"],
      [0.25, "250us"],
    ];
    for (const [ms, text] of cases) {
      assert.equal(goDuration(ms), text);
      assert.equal(goDurationProblem(text), undefined, text);
      assert.equal(parseDuration(text), ms, text);
    }
  });
  it("refuses negative and non-finite input", () => {
    assert.throws(() => goDuration(-1), RangeError);
    assert.throws(() => goDuration(Number.NaN), RangeError);
  });
});

describe("goDurationProblem", () => {
  it("accepts Go durations and refuses everything else", () => {
    for (const ok of ["0", "30s", "1m30s", "1.5h", "300ms", "10us", "2h45m"])
      assert.equal(goDurationProblem(ok), undefined, ok);
    for (const bad of ["", "30", "30 s", "1x", "s", "5 minutes", 30, null])
      assert.match(goDurationProblem(bad) ?? "", /expected a/, String(bad));
    assert.match(goDurationProblem("-5s") ?? "", />= 0/);
    assert.match(goDurationProblem("0s", { positive: true }) ?? "", /> 0/);
  });
});

describe("singleUnitDuration", () => {
  it("writes one unit, as netem's latency pattern requires", () => {
    assert.equal(singleUnitDuration(500), "500ms");
    assert.equal(singleUnitDuration(90_000), "90000ms");
    assert.equal(singleUnitDuration(0.5), "500us");
    assert.equal(singleUnitProblem("500ms"), undefined);
    assert.match(singleUnitProblem("1m30s") ?? "", /one unit/);
    assert.match(singleUnitProblem("500") ?? "", /one unit/);
  });
});
