import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyName, observation, observed, toJsonValue } from "../../sdk/runner/observation.ts";

describe("observation keys", () => {
  it("a typed key and its name read the same value", () => {
    const retries = observation<number>("retries");
    const data: Record<string, unknown> = { retries: 3 };
    const n: number | undefined = observed({ data }, retries);
    assert.equal(n, 3);
    assert.equal(observed({ data }, "retries"), 3);
    assert.equal(keyName(retries), "retries");
    assert.equal(keyName("x"), "x");
    assert.equal(observed({ data }, observation<string>("nothing")), undefined);
  });

  it("types follow the key (compile-time checks)", () => {
    const hits = observation<{ worker: string; pid: number }[]>("hits");
    const v = observed({ data: { hits: [{ worker: "w1", pid: 7 }] } }, hits);
    // @ts-expect-error a key of hits is not a number
    const wrong: number | undefined = observed({ data: {} }, hits);
    assert.equal(wrong, undefined);
    assert.equal(v?.[0].pid, 7);
  });
});

describe("toJsonValue", () => {
  it("keeps plain JSON as it is", () => {
    const v = { a: 1, b: "x", c: [1, null, true], d: { e: 2.5 } };
    assert.deepEqual(toJsonValue(v), v);
  });

  it("drops functions and promises, turns errors into their message and bigints into numbers", () => {
    const v = {
      fn: () => 1,
      p: Promise.resolve(1),
      err: new Error("worker crashed"),
      big: 12n,
      nested: [new Error("inner"), { keep: 1, drop: () => 0 }],
      when: new Date(0),
    };
    assert.deepEqual(toJsonValue(v), {
      err: "worker crashed",
      big: 12,
      nested: ["inner", { keep: 1 }],
      when: "1970-01-01T00:00:00.000Z",
    });
  });

  it("a value with no JSON (undefined, a function) is null", () => {
    assert.equal(toJsonValue(undefined), null);
    assert.equal(
      toJsonValue(() => 1),
      null,
    );
    assert.deepEqual(toJsonValue([undefined, () => 1]), [null, null]);
  });
});
