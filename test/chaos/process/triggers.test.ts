import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Candidate } from "../../../sdk/chaos/process/candidates.ts";
import { waitForTrigger } from "../../../sdk/chaos/process/triggers.ts";
import { TimeoutError } from "../../../sdk/core/errors.ts";

const busy = { id: "worker-1", service: "hive", state: "ready", inflight: 2 } as unknown as Candidate;

describe("waitForTrigger", () => {
  it("a listing that fails once is one poll lost: the next one finds the moment", async () => {
    let calls = 0;
    const r = await waitForTrigger({ on: "inference", timeout: "5s" }, "hive", async () => {
      calls++;
      if (calls === 1) throw new Error("The operation was aborted due to timeout");
      return [busy];
    });
    assert.equal(r.polls, 2);
    assert.deepEqual(r.candidates, [busy]);
  });

  it("a listing that keeps failing ends in a TimeoutError that says why", async () => {
    await assert.rejects(
      () =>
        waitForTrigger({ on: "inference", timeout: "300ms" }, "hive", async () => {
          throw new Error("connect ECONNREFUSED 127.0.0.1:9201");
        }),
      (e: unknown) =>
        e instanceof TimeoutError && /listing the instances failed: connect ECONNREFUSED/.test(e.message),
    );
  });

  it("an abort ends the wait with the listing's own error", async () => {
    const ac = new AbortController();
    await assert.rejects(
      () =>
        waitForTrigger(
          { on: "inference", timeout: "5s" },
          "hive",
          async () => {
            ac.abort();
            throw new Error("aborted listing");
          },
          ac.signal,
        ),
      /aborted listing/,
    );
  });
});
