// applyFault's contract at its edges: a fault whose apply returns after the run was interrupted is undone at
// once and never reaches the ledger or the listeners (the run's cleanup may already have passed it by).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createChaosContext } from "../../sdk/chaos/context.ts";
import { type Applied, applyFault, type FaultSpec } from "../../sdk/chaos/fault.ts";
import { HivestormError } from "../../sdk/core/errors.ts";
import { CleanupLedger } from "../../sdk/core/ledger.ts";

/** A spec whose apply takes a moment, during which `during` runs (e.g. the run is interrupted). */
function slowSpec(during: () => void, reverts: string[]): FaultSpec {
  return {
    kind: "test-slow",
    validate: () => [],
    describe: () => "slow test fault",
    target: () => "svc",
    toJSON: () => ({ kind: "test-slow" }),
    applyRaw: async (): Promise<Applied> => {
      await new Promise((r) => setTimeout(r, 10));
      during();
      return { revert: async () => void reverts.push("reverted"), reap: { kind: "test-slow" } };
    },
  };
}

describe("applyFault", () => {
  test("applies, records in the ledger and tells the listeners, when nothing interrupts it", async () => {
    const ledger = new CleanupLedger();
    const ctx = createChaosContext({ ledger, signal: new AbortController().signal });
    const seen: string[] = [];
    ctx.events.on("applied", ({ id }) => seen.push(id));
    const reverts: string[] = [];
    const h = await applyFault(
      slowSpec(() => {}, reverts),
      ctx,
    );
    assert.deepEqual([ledger.size, seen], [1, [h.id]]);
    await h.revert();
    assert.deepEqual([ledger.size, reverts], [0, ["reverted"]]);
  });

  test("interrupted while applying: reverted at once, never in the ledger, no applied event", async () => {
    const ledger = new CleanupLedger();
    const controller = new AbortController();
    const ctx = createChaosContext({ ledger, signal: controller.signal });
    const seen: string[] = [];
    ctx.events.on("applied", ({ id }) => seen.push(id));
    const reverts: string[] = [];
    const spec = slowSpec(() => controller.abort(), reverts);
    await assert.rejects(
      applyFault(spec, ctx),
      (e: unknown) =>
        e instanceof HivestormError && e.code === "E_ABORTED" && /slow test fault/.test(e.message),
    );
    assert.deepEqual({ reverts, ledger: ledger.size, seen }, { reverts: ["reverted"], ledger: 0, seen: [] });
  });

  test("interrupted before applying: nothing is applied", async () => {
    const controller = new AbortController();
    controller.abort();
    const reverts: string[] = [];
    let applied = false;
    const spec = slowSpec(() => {
      applied = true;
    }, reverts);
    const ctx = createChaosContext({ ledger: new CleanupLedger(), signal: controller.signal });
    await assert.rejects(applyFault(spec, ctx), /not applying slow test fault/);
    assert.equal(applied, false);
  });
});
