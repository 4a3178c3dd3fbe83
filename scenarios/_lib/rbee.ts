// The fault bit of the retry scenarios (NF-003, NF-005): the gateway's own `retries` counter, read before and
// after the fault, proves that it had to retry rather than assume it. Any system whose gateway exposes such a
// counter (`counters: { retries }` in its config) can run them. Not a scenario (files under _lib are not
// discovered).
import { expect, observation, observed, type ScenarioContext } from "../../sdk/index.ts";

const retriesBefore = observation<number>("gatewayRetriesBefore");
/** How often the gateway retried while the fault was applied. */
export const retries = observation<number>("retries");

/** What the retry scenarios need: a gateway that counts its retries, and a backend behind a proxy. */
export const RETRY_ROLES = { gateway: ["counter:retries"], backend: ["proxy"] } as const;

/** Hooks of a fault scenario that count the gateway's retries between the apply and the revert. */
export const countingRetries = {
  before: async (ctx: ScenarioContext): Promise<void> =>
    ctx.record(retriesBefore, await ctx.system.counter("@gateway", "retries")),
  beforeRevert: async (ctx: ScenarioContext): Promise<void> => {
    const before = ctx.recorded(retriesBefore);
    if (before !== undefined) ctx.record(retries, (await ctx.system.counter("@gateway", "retries")) - before);
  },
};

/** The fault bit: the gateway retried (read from its own counter, not assumed). */
export const queenRetried = expect.custom("the fault bit: the gateway retried", "> 0 retries", (o) => ({
  ok: (observed(o, retries) ?? 0) > 0,
  observed: `${observed(o, retries) ?? "no count of"} retries`,
}));
