import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compare, parseThreshold } from "../../sdk/load/threshold-parser.ts";

describe("parseThreshold", () => {
  it("parses k6's forms", () => {
    assert.deepEqual(parseThreshold("p(95)<500"), {
      aggregation: "p(95)",
      percentile: 95,
      operator: "<",
      value: 500,
    });
    assert.deepEqual(parseThreshold(" rate <= 0.01 "), { aggregation: "rate", operator: "<=", value: 0.01 });
    assert.deepEqual(parseThreshold("p(99.9) < 1000"), {
      aggregation: "p(99.9)",
      percentile: 99.9,
      operator: "<",
      value: 1000,
    });
    assert.equal((parseThreshold("count===0") as { operator: string }).operator, "===");
    assert.equal((parseThreshold("avg!=3") as { operator: string }).operator, "!=");
  });
  for (const bad of [
    "",
    "p95<500",
    "p(101)<5",
    "p(x)<5",
    "rate<",
    "rate<abc",
    "median<3",
    "rate = 1",
    "<5",
  ]) {
    it(`refuses ${JSON.stringify(bad)} with a message quoting it`, () => {
      const r = parseThreshold(bad);
      assert.equal(typeof r, "string");
      assert.match(r as string, /threshold expression/);
    });
  }
  it("compares with every operator", () => {
    assert.ok(compare(1, "<", 2) && compare(2, "<=", 2) && compare(3, ">", 2) && compare(2, ">=", 2));
    assert.ok(compare(2, "==", 2) && compare(2, "===", 2) && compare(1, "!=", 2) && !compare(2, "<", 2));
  });
});
