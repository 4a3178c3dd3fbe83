#!/usr/bin/env -S npx tsx
// WC-002: a worker dies while it registers: listed by the hive, model still loading. To get one for real, a
// ready worker is killed first; its replacement is then killed as soon as the hive lists it as loading.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { outcomeOf, WORKER_POOL, watchAfterHit, workerChecks, workersBefore } from "../_lib/workers.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 25_000;
const first = chaos.process.kill("@workers").count(1);
const kill = chaos.process.kill("@workers").count(1).when("registration", { listed: true, timeout: "15s" });

export const scenario = defineScenario({
  id: "WC-002",
  name: "Worker crash during registration (killed while loading)",
  suite: "chaos",
  category: "workers",
  ...WORKER_POOL,
  expected: `A worker killed between registration and ready is never routed to, its registration is evicted within ${EVICT_MS / 1000} s, the service keeps >= 95% success meanwhile, and all workers are ready again within ${REPLACE_MS / 1000} s`,
  fault: [first, kill],
  duration: "20s",
  minDuration: "3s",
  beside: async (ctx, [setupHandle, handle]) => {
    const before = ctx.recorded(workersBefore)!;
    // The first kill only makes the hive start a replacement: the worker that then registers is the target.
    const setup = outcomeOf(ctx, setupHandle);
    const outcome = outcomeOf(ctx, handle);
    ctx.record("stateAtKill", outcome.hits[0]?.state);
    ctx.record("waitedMs", outcome.trigger?.waitedMs);
    ctx.note(
      `WC-002 killed ${outcome.hits[0]?.id} (${outcome.hits[0]?.container ? `container ${outcome.hits[0].container}` : `pid ${outcome.hits[0]?.pid}`}) in state ${outcome.hits[0]?.state}, ` +
        `${outcome.trigger?.waitedMs} ms after ${setup.hits[0]?.id} was killed to make the hive start it`,
    );
    await watchAfterHit(ctx, outcome, {
      known: [...before.ids, outcome.hits[0].id],
      expectedReady: before.ready,
      deadlineMs: REPLACE_MS,
    });
  },
  expect: [
    expect.custom("the fault bit: the killed worker was registered and not ready", "state loading", (o) => ({
      ok: o.data.stateAtKill === "loading",
      observed: `state ${o.data.stateAtKill}`,
    })),
    expect.successRate("during", 0.95),
    expect.failuresAnsweredWith("during", [502, 503, 504], 0),
    expect.custom(
      "the hive evicts the half-registered worker",
      `within ${EVICT_MS} ms`,
      workerChecks.evictedWithin(EVICT_MS),
    ),
    expect.custom(
      "capacity comes back when the worker is replaced",
      `as many ready workers as before within ${REPLACE_MS} ms`,
      workerChecks.replacedWithin(REPLACE_MS),
    ),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
