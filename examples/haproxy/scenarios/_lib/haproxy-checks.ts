// What the example's scenarios share: the health-check settings of haproxy.cfg (the bounds of the checks follow
// from them), the observations they record, and the checks on those. Not a scenario (files under _lib are not
// discovered).
import { expect, observation, observed, type ScenarioContext } from "../../../../sdk/index.ts";
import { retries, type Server, timeUntilStatus } from "../../haproxy-stats.ts";

/** haproxy.cfg: `default-server inter 500ms fall 2 rise 2`, `timeout check 500ms`. */
export const CHECK = { interMs: 500, fall: 2, rise: 2, timeoutMs: 500 } as const;
/** Slack for a shared, loaded machine: HAProxy's timers and our 50 ms stats polling are not exact. */
export const SLACK_MS = 1000;

export const markedDownMs = observation<number | null>("markedDownMs");
export const markedUpMs = observation<number | null>("markedUpMs");
const retriesBefore = observation<number>("retriesBefore");
export const retriesDuring = observation<number>("retriesDuring");

/** Waits until HAProxy reports `server` DOWN (or UP) and records how long that took (null: it did not). */
export async function recordStatusTime(
  ctx: ScenarioContext,
  server: Server,
  status: "UP" | "DOWN",
  timeoutMs: number,
): Promise<void> {
  const ms = await timeUntilStatus(server, status, { timeoutMs, signal: ctx.signal });
  ctx.record(status === "DOWN" ? markedDownMs : markedUpMs, ms);
  ctx.log(`HAProxy reports server ${server} ${status} ${ms === null ? "not yet" : `after ${ms} ms`}`);
}

/** Hooks of a fault scenario that count HAProxy's retries (wretr + wredis) between apply and revert. */
export const countingRetries = {
  before: async (ctx: ScenarioContext): Promise<void> => ctx.record(retriesBefore, await retries()),
  beforeRevert: async (ctx: ScenarioContext): Promise<void> => {
    const before = ctx.recorded(retriesBefore);
    if (before !== undefined) ctx.record(retriesDuring, (await retries()) - before);
  },
};

/** A recorded time (ms) is at most `maxMs`. */
export function withinMs(
  key: typeof markedDownMs,
  name: string,
  maxMs: number,
): ReturnType<typeof expect.custom> {
  return expect.custom(name, `within ${maxMs} ms`, (o) => {
    const ms = observed(o, key);
    return {
      ok: typeof ms === "number" && ms <= maxMs,
      observed: typeof ms === "number" ? `after ${ms} ms` : "never (not by the end of the window)",
    };
  });
}

/** The fault bit: HAProxy had to send requests again, by its own stats. */
export const haproxyRetried = expect.custom(
  "the fault bit: HAProxy retried or redispatched",
  "> 0 retries (stats wretr + wredis)",
  (o) => {
    const n = observed(o, retriesDuring);
    return { ok: (n ?? 0) > 0, observed: `${n ?? "no count of"} retries` };
  },
);
