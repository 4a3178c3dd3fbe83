// Helpers the rbee scenarios share: reading the demo's own counters, so that a check can prove a fault bit
// (the queen retried) rather than assume it. Not a scenario (files under _lib are not discovered).
import { expect, observation, observed, type ScenarioContext } from "../../sdk/index.ts";

export interface QueenTotals {
  requests: number;
  ok: number;
  failed: number;
  retried: number;
  timeouts: number;
}

export async function queenTotals(ctx: ScenarioContext): Promise<QueenTotals> {
  const res = await fetch(new URL("/v1/status", ctx.system.services.queen.url), {
    signal: AbortSignal.timeout(2000),
  });
  return ((await res.json()) as { totals: QueenTotals }).totals;
}

const totalsBefore = observation<QueenTotals>("queenTotalsBefore");
/** How often the queen retried while the fault was applied (read from its own counter, not assumed). */
export const retries = observation<number>("retries");

/** Hooks of a fault scenario that count the queen's retries between the apply and the revert. */
export const countingRetries = {
  before: async (ctx: ScenarioContext): Promise<void> => ctx.record(totalsBefore, await queenTotals(ctx)),
  beforeRevert: async (ctx: ScenarioContext): Promise<void> => {
    const before = ctx.recorded(totalsBefore);
    if (before) ctx.record(retries, (await queenTotals(ctx)).retried - before.retried);
  },
};

/** The fault bit: the queen had to retry (read from its own counter, not assumed). */
export const queenRetried = expect.custom("the fault bit: the queen retried", "> 0 retries", (o) => ({
  ok: (observed(o, retries) ?? 0) > 0,
  observed: `${observed(o, retries) ?? "no count of"} retries`,
}));
