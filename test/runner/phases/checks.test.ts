import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Observations } from "../../../sdk/runner/expect.ts";
import { judge } from "../../../sdk/runner/phases/checks.ts";
import { check } from "../fakes.ts";

const obs: Observations = {
  windows: {},
  samples: { t: [], latencyMs: [], status: [], ok: [] },
  faults: [],
  data: {},
};

describe("judge", () => {
  it("passes when every check holds, and says how many", () => {
    const j = judge([check("a", true), check("b", true), check("c", true)], obs);
    assert.equal(j.verdict, "passed");
    assert.equal(j.reason, "all 3 checks held");
    assert.deepEqual(
      j.checks.map((c) => c.name),
      ["a", "b", "c"],
    );
  });

  it("one failed check is the reason, with what was expected and observed", () => {
    const j = judge([check("a", true), check("p95 during", false, "812 ms")], obs);
    assert.equal(j.verdict, "failed");
    assert.equal(j.reason, "p95 during: expected fine, observed 812 ms");
  });

  it("names every failed check, however many, and no passed one", () => {
    const checks = [
      check("ok-1", true),
      ...Array.from({ length: 6 }, (_, i) => check(`bad-${i}`, false, `seen ${i}`)),
      check("ok-2", true),
    ];
    const j = judge(checks, obs);
    assert.equal(j.verdict, "failed");
    assert.match(j.reason, /^6 of 8 checks failed: /);
    for (let i = 0; i < 6; i++)
      assert.ok(j.reason.includes(`bad-${i}: expected fine, observed seen ${i}`), j.reason);
    assert.doesNotMatch(j.reason, /ok-1|ok-2|more/);
    assert.equal(j.checks.length, 8, "every check is recorded, failed or not");
  });

  it("hands the observations to every check", () => {
    const seen: Observations[] = [];
    const spy = (o: Observations) => {
      seen.push(o);
      return { name: "spy", expected: "", observed: "", ok: true };
    };
    judge([spy, spy], obs);
    assert.deepEqual(seen, [obs, obs]);
  });
});
