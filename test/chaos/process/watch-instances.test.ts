// watchInstances against a scripted owner list (a unit test: the list is a function of time).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { watchInstances } from "../../../sdk/chaos/process/watch-instances.ts";
import type { InstanceInfo } from "../../../sdk/system/definition.ts";

const w = (id: string, state = "ready"): InstanceInfo => ({ id, state });

describe("watchInstances", () => {
  it("measures eviction and replacement from the owner's own list", async () => {
    const since = Date.now();
    const at = () => Date.now() - since;
    const r = await watchInstances({
      since,
      dead: ["w2"],
      known: ["w1", "w2", "w3"],
      expectedReady: 3,
      deadlineMs: 5000,
      intervalMs: 20,
      list: async () => {
        const t = at();
        if (t < 400) return [w("w1"), w("w2"), w("w3")];
        if (t < 1200) return [w("w1"), w("w3")];
        if (t < 2000) return [w("w1"), w("w3"), w("w4", "loading")];
        return [w("w1"), w("w3"), w("w4")];
      },
    });
    // Generous bounds: the machine is shared, and a poll may come late (never early).
    assert.ok(
      r.allEvictedAfterMs! >= 400 && r.allEvictedAfterMs! < 1200,
      `evicted at ${r.allEvictedAfterMs}`,
    );
    assert.ok(r.replacedAfterMs! >= 2000 && r.replacedAfterMs! < 4000, `replaced at ${r.replacedAfterMs}`);
    assert.deepEqual(r.newIds, ["w4"]);
    assert.equal(r.minReady, 2);
    assert.equal(r.lastSeen.w2.id, "w2");
  });

  it("an instance never evicted is null at the deadline, and so is a replacement that never comes", async () => {
    const since = Date.now();
    const r = await watchInstances({
      since,
      dead: ["w1"],
      known: ["w1", "w2"],
      expectedReady: 2,
      deadlineMs: 300,
      intervalMs: 20,
      list: async () => [w("w1"), w("w2")],
    });
    assert.equal(r.allEvictedAfterMs, null);
    assert.deepEqual(r.evictedAfterMs, { w1: null });
    assert.equal(r.replacedAfterMs, null);
    assert.ok(Date.now() - since < 1500);
  });

  it("stops waiting for an eviction at its own deadline once capacity is back", async () => {
    const since = Date.now();
    const r = await watchInstances({
      since,
      dead: ["w1"],
      known: ["w1", "w2"],
      expectedReady: 2,
      deadlineMs: 10_000,
      evictionDeadlineMs: 400,
      intervalMs: 20,
      list: async () => [w("w1"), w("w2"), w("w3")],
    });
    assert.equal(r.allEvictedAfterMs, null);
    assert.notEqual(r.replacedAfterMs, null);
    const took = Date.now() - since;
    assert.ok(took >= 400 && took < 4000, `stopped at the eviction deadline: ${took} ms`);
  });

  it("a failing list is retried, not fatal", async () => {
    let n = 0;
    const r = await watchInstances({
      since: Date.now(),
      dead: ["a"],
      known: ["a"],
      expectedReady: 1,
      deadlineMs: 2000,
      intervalMs: 10,
      list: async () => {
        if (++n < 3) throw new Error("503");
        return [w("b")];
      },
    });
    assert.ok(r.polls >= 3);
    assert.notEqual(r.allEvictedAfterMs, null);
    assert.deepEqual(r.newIds, ["b"]);
  });
});
