#!/usr/bin/env -S npx tsx
// WC-001: a worker is SIGKILLed while it streams tokens. The hive must answer the requests it was serving
// cleanly (or retry them elsewhere), evict it, route nothing to it afterwards, and get its capacity back. The
// background traffic streams (when the system says how): the client sees the streams the crash cut, and only
// those; a stream retried elsewhere comes whole, never with tokens twice.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { streamChecks } from "../_lib/stream-checks.ts";
import { outcomeOf, WORKER_POOL, watchAfterHit, workerChecks, workersBefore } from "../_lib/workers.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 20_000;
const kill = chaos.process.kill("@workers", { signal: "SIGKILL" }).count(1).when("inference");

export const scenario = defineScenario({
  id: "WC-001",
  name: "Worker crash during inference (SIGKILL mid-stream)",
  suite: "chaos",
  category: "workers",
  ...WORKER_POOL,
  expected: `A worker killed mid-stream costs at most a few requests, each answered 502/503/504 (or retried), never a hang; the hive evicts it within ${EVICT_MS / 1000} s, routes nothing to it afterwards, and has all its workers ready again within ${REPLACE_MS / 1000} s`,
  fault: kill,
  trafficStream: true,
  duration: "20s",
  minDuration: "3s",
  beside: async (ctx, [handle]) => {
    const outcome = outcomeOf(ctx, handle);
    const before = ctx.recorded(workersBefore)!;
    ctx.record("inflightAtKill", outcome.hits[0]?.inflight ?? 0);
    await watchAfterHit(ctx, outcome, {
      known: before.ids,
      expectedReady: before.ready,
      deadlineMs: REPLACE_MS,
    });
  },
  expect: [
    expect.custom(
      "the fault bit: the killed worker had requests in flight",
      "> 0 in flight at the kill",
      (o) => ({
        ok: Number(o.data.inflightAtKill) > 0,
        observed: `${o.data.inflightAtKill} in flight`,
      }),
    ),
    expect.failuresAnsweredWith("during", [502, 503, 504], 0),
    expect.latencyBelow("during", "max", 5000, "no request hangs"),
    expect.successRate("during", 0.9),
    expect.custom(
      "the hive evicts the dead worker",
      `within ${EVICT_MS} ms`,
      workerChecks.evictedWithin(EVICT_MS),
    ),
    expect.custom(
      "nothing is routed to the dead worker after its eviction",
      "0 failed attempts on it > 500 ms after the eviction",
      workerChecks.nothingRoutedAfterEviction(),
    ),
    expect.custom(
      "capacity comes back when the worker is replaced",
      `as many ready workers as before within ${REPLACE_MS} ms`,
      workerChecks.replacedWithin(REPLACE_MS),
    ),
    streamChecks.cutOnlyWhatTheCrashCarried("inflightAtKill"),
    streamChecks.noDuplicateTokens(),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
