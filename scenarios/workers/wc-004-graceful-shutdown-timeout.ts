#!/usr/bin/env -S npx tsx
// WC-004: a worker is asked to stop (SIGTERM) while it serves. It should drain and exit within its grace
// period; one that does not is SIGKILLed when the grace runs out, and the hive notices either way.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { outcomeOf, WORKER_POOL, watchAfterHit, workerChecks, workersBefore } from "../_lib/workers.ts";

const GRACE_MS = 3000;
const NOTICE_MS = 3000;
const REPLACE_MS = 20_000;
const stop = chaos.process.stop("@workers", { grace: GRACE_MS }).count(1).when("inference");

export const scenario = defineScenario({
  id: "WC-004",
  name: "Worker graceful-shutdown timeout (SIGTERM, grace, SIGKILL)",
  suite: "chaos",
  category: "workers",
  ...WORKER_POOL,
  expected: `On SIGTERM a worker drains and exits within its ${GRACE_MS / 1000} s grace; if it does not it is SIGKILLed when the grace ends (not later), and either way the hive stops listing it within ${NOTICE_MS / 1000} s of its exit; the service keeps >= 95% success`,
  fault: stop,
  duration: "20s",
  minDuration: "5s",
  beside: async (ctx, [handle]) => {
    const before = ctx.recorded(workersBefore)!;
    const outcome = outcomeOf(ctx, handle);
    await outcome.done;
    const hit = outcome.hits[0];
    ctx.record("stop", hit?.stop ?? { error: hit?.error });
    if (hit?.stop)
      ctx.note(
        `WC-004: ${hit.id} got SIGTERM with ${hit.inflight} request(s) in flight; ` +
          (hit.stop.forced
            ? `it was still running when its ${GRACE_MS} ms grace ended and was SIGKILLed (gone after ${hit.stop.exitedAfterMs} ms)`
            : `it exited by itself after ${hit.stop.exitedAfterMs} ms`),
      );
    await watchAfterHit(ctx, outcome, {
      known: before.ids,
      expectedReady: before.ready,
      deadlineMs: REPLACE_MS,
      // The hive is judged from the exit on: before it the worker may rightly still be listed (draining).
      since: hit ? hit.at + (hit.stop?.exitedAfterMs ?? 0) : undefined,
    });
  },
  expect: [
    expect.custom(
      "the worker shuts down gracefully within its grace",
      "exits on SIGTERM, no SIGKILL needed",
      (o) => {
        const s = o.data.stop as { forced?: boolean; exitedAfterMs?: number; error?: string };
        return {
          ok: s?.forced === false,
          observed: s?.forced
            ? `forced: still running at the end of its grace, SIGKILLed, gone after ${s.exitedAfterMs} ms`
            : s?.exitedAfterMs !== undefined
              ? `exited by itself after ${s.exitedAfterMs} ms`
              : `not stopped: ${s?.error}`,
        };
      },
    ),
    expect.custom(
      "a worker that outlives its grace is killed when it ends",
      `gone within ${GRACE_MS} ms + 1500 ms of SIGTERM`,
      (o) => {
        const s = o.data.stop as { exitedAfterMs?: number };
        return {
          ok: typeof s?.exitedAfterMs === "number" && s.exitedAfterMs <= GRACE_MS + 1500,
          observed: `gone after ${s?.exitedAfterMs ?? "?"} ms`,
        };
      },
    ),
    expect.custom(
      "the hive notices the exit",
      `not listed within ${NOTICE_MS} ms of the exit`,
      workerChecks.evictedWithin(NOTICE_MS),
    ),
    expect.custom(
      "capacity comes back when the worker is replaced",
      `as many ready workers as before within ${REPLACE_MS} ms`,
      workerChecks.replacedWithin(REPLACE_MS),
    ),
    expect.successRate("during", 0.95),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
