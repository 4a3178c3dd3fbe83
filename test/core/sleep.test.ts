import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sleep } from "../../sdk/core/sleep.ts";

describe("sleep", () => {
  it("resolves after about ms", async () => {
    const t0 = performance.now();
    await sleep(60);
    assert.ok(performance.now() - t0 >= 55, "did not wait");
  });

  it("ends at once when the signal aborts, without rejecting, and leaves no listener", async () => {
    const ac = new AbortController();
    let removed = 0;
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      removed++;
      return remove(...a);
    }) as typeof remove;
    const t0 = performance.now();
    setTimeout(() => ac.abort(new Error("SIGINT")), 30);
    await sleep(60_000, ac.signal);
    assert.ok(performance.now() - t0 < 5_000, "the sleep outlived its abort");
    assert.equal(removed, 1, "the abort listener is removed");
  });

  it("resolves at once for an aborted signal or a non-positive ms", async () => {
    const t0 = performance.now();
    await sleep(60_000, AbortSignal.abort());
    await sleep(0);
    await sleep(-5);
    assert.ok(performance.now() - t0 < 1_000);
  });

  it("removes its abort listener when the time runs out, so a long-lived signal does not collect them", async () => {
    const ac = new AbortController();
    let removed = 0;
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.removeEventListener = ((...a: Parameters<typeof remove>) => {
      removed++;
      return remove(...a);
    }) as typeof remove;
    await sleep(5, ac.signal);
    assert.equal(removed, 1);
  });
});
