#!/usr/bin/env -S npx tsx
// WC-005: half of the workers crash at once. The service must go on at reduced capacity, above a stated
// success rate, while the hive evicts and replaces them.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { outcomeOf, WORKER_POOL, watchAfterHit, workerChecks, workersBefore } from "../_lib/workers.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 25_000;
const kill = chaos.process.kill("@workers", { signal: "SIGKILL" }).percent(50);

export const scenario = defineScenario({
  id: "WC-005",
  name: "Half of the workers crash at once",
  suite: "chaos",
  category: "workers",
  ...WORKER_POOL,
  expected: `With half of the workers SIGKILLed at once the service continues at reduced capacity with >= 90% success, every failure a clean 502/503/504; the hive evicts the dead within ${EVICT_MS / 1000} s and has all workers ready again within ${REPLACE_MS / 1000} s`,
  fault: kill,
  duration: "20s",
  minDuration: "3s",
  beside: async (ctx, [handle]) => {
    const before = ctx.recorded(workersBefore)!;
    const outcome = outcomeOf(ctx, handle);
    ctx.record("killed", outcome.hits.length);
    ctx.record("workersBefore", outcome.population);
    await watchAfterHit(ctx, outcome, {
      known: before.ids,
      expectedReady: before.ready,
      deadlineMs: REPLACE_MS,
    });
  },
  expect: [
    expect.custom("the fault bit: half of the workers were killed", "half of the running workers", (o) => ({
      ok:
        Number(o.data.killed) >= 1 && Number(o.data.killed) === Math.round(Number(o.data.workersBefore) / 2),
      observed: `${o.data.killed} of ${o.data.workersBefore}`,
    })),
    expect.successRate("during", 0.9),
    expect.failuresAnsweredWith("during", [502, 503, 504], 0),
    expect.custom("the service goes on at reduced capacity", ">= 1 worker ready throughout", (o) => ({
      ok: Number(o.data.minReady) >= 1,
      observed: `at least ${o.data.minReady} ready`,
    })),
    expect.custom(
      "the hive evicts the dead workers",
      `within ${EVICT_MS} ms`,
      workerChecks.evictedWithin(EVICT_MS),
    ),
    expect.custom(
      "nothing is routed to a dead worker after its eviction",
      "0 failed attempts on them > 500 ms after their eviction",
      workerChecks.nothingRoutedAfterEviction(),
    ),
    expect.custom(
      "capacity comes back when the workers are replaced",
      `as many ready workers as before within ${REPLACE_MS} ms`,
      workerChecks.replacedWithin(REPLACE_MS),
    ),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
