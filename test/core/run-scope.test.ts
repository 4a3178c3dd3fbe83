import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { enterAmbient, makeScope, runScope, within } from "../../sdk/core/run-scope.ts";
import { sleep } from "../../sdk/core/sleep.ts";

describe("run scope", () => {
  it("makeScope defaults the time scale to 1 and gives fresh extras", () => {
    const a = makeScope({});
    const b = makeScope({});
    assert.equal(a.timeScale, 1);
    assert.notEqual(a.extras, b.extras);
    assert.equal(makeScope({ timeScale: 0.1 }).timeScale, 0.1);
  });

  it("concurrent within() scopes never see each other, across awaits and timers", async () => {
    const K = Symbol("k");
    const seen: Record<string, unknown[]> = { a: [], b: [] };
    const body = (name: string) => async () => {
      for (let i = 0; i < 5; i++) {
        seen[name].push(runScope()?.extras.get(K));
        await sleep(name === "a" ? 3 : 5);
        await new Promise((r) => setTimeout(r, 1));
        seen[name].push(runScope()?.timeScale);
      }
    };
    const a = makeScope({ timeScale: 0.5, extras: new Map([[K, "A"]]) });
    const b = makeScope({ timeScale: 2, extras: new Map([[K, "B"]]) });
    await Promise.all([within(a, body("a")), within(b, body("b"))]);
    assert.deepEqual(seen.a, Array(5).fill(["A", 0.5]).flat());
    assert.deepEqual(seen.b, Array(5).fill(["B", 2]).flat());
  });

  it("the innermost within() wins, and the outer scope comes back after it", () => {
    const outer = makeScope({ timeScale: 3 });
    const inner = makeScope({ timeScale: 4 });
    within(outer, () => {
      assert.equal(runScope(), outer);
      within(inner, () => assert.equal(runScope(), inner));
      assert.equal(runScope(), outer);
    });
  });

  it("an ambient scope applies outside within(), newest first, and leaves when its exit is called", () => {
    assert.equal(runScope(), undefined);
    const first = makeScope({ timeScale: 5 });
    const second = makeScope({ timeScale: 6 });
    const leaveFirst = enterAmbient(first);
    const leaveSecond = enterAmbient(second);
    try {
      assert.equal(runScope(), second);
      const run = makeScope({ timeScale: 7 });
      within(run, () => assert.equal(runScope(), run, "within() beats the ambient scope"));
      leaveFirst();
      assert.equal(runScope(), second, "leaving an older scope keeps the newer one");
      leaveSecond();
      leaveSecond();
      assert.equal(runScope(), undefined);
    } finally {
      leaveFirst();
      leaveSecond();
    }
  });
});
