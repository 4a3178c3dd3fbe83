// Helpers the rbee scenarios share: reading the demo's own counters, so that a check can prove a fault bit
// (the queen retried) rather than assume it. Not a scenario (files under _lib are not discovered).
import type { ScenarioContext } from "../../sdk/index.ts";

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
