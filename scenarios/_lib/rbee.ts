// Helpers the rbee scenarios share: reading the demo's own counters, so that a check can prove a fault bit
// (the queen retried) rather than assume it. Not a scenario (files under _lib are not discovered).
import { expect, type FaultSpec, type ScenarioContext } from "../../sdk/index.ts";

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

/** A fault phase that applies `fault` for the scenario's duration and records how often the queen retried. */
export function duringCountingRetries(fault: FaultSpec) {
  return async (ctx: ScenarioContext): Promise<void> => {
    const before = await queenTotals(ctx);
    await ctx.apply(fault);
    await ctx.hold();
    ctx.record("retries", (await queenTotals(ctx)).retried - before.retried);
  };
}

/** The fault bit: the queen had to retry (read from its own counter, not assumed). */
export const queenRetried = expect.custom("the fault bit: the queen retried", "> 0 retries", (o) => ({
  ok: Number(o.data.retries) > 0,
  observed: `${o.data.retries} retries`,
}));
