#!/usr/bin/env -S npx tsx
// WC-003: the kernel OOM killer ends a worker. Not a SIGKILL that looks like one: a memory limit just above
// the worker's usage (a cgroup of its own, or the container's --memory), then the worker's own allocation.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  allocate,
  canOom,
  outcomeOf,
  WORKER_POOL,
  watchAfterHit,
  workerChecks,
  workersBefore,
} from "../_lib/workers.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 20_000;
const MiB = 1024 * 1024;
const oom = chaos.process
  .oom("@workers", { headroomBytes: 32 * MiB, timeout: "20s" })
  .count(1)
  .provoke(allocate(256));

export const scenario = defineScenario({
  id: "WC-003",
  name: "Worker OOM kill (kernel OOM killer under a memory limit)",
  suite: "chaos",
  category: "workers",
  ...WORKER_POOL,
  expected: `A worker killed by the kernel OOM killer is evicted by the hive within ${EVICT_MS / 1000} s and replaced within ${REPLACE_MS / 1000} s; the service keeps >= 90% success meanwhile`,
  requires: [canOom],
  fault: oom,
  duration: "20s",
  minDuration: "3s",
  beside: async (ctx, [handle]) => {
    const before = ctx.recorded(workersBefore)!;
    const outcome = outcomeOf(ctx, handle);
    await outcome.done;
    const hit = outcome.hits[0];
    ctx.record("oomKilled", hit?.oom?.oomKilled ?? false);
    ctx.record("oomError", hit?.error);
    if (hit?.oom) {
      ctx.note(
        `WC-003: OOM produced by ${hit.oom.method}: ${hit.oom.how}. Evidence: ${hit.oom.evidence.join("; ")}.`,
      );
    } else ctx.note(`WC-003: no OOM kill was produced: ${hit?.error ?? "nothing hit"}`);
    await watchAfterHit(ctx, outcome, {
      known: before.ids,
      expectedReady: before.ready,
      deadlineMs: REPLACE_MS,
      since: hit ? hit.at + (hit.oom?.killedAfterMs ?? 0) : undefined,
    });
  },
  expect: [
    expect.custom(
      "the kernel OOM killer ended the worker",
      "OOM kill counted by the cgroup / OOMKilled",
      (o) => ({
        ok: o.data.oomKilled === true,
        observed: o.data.oomKilled
          ? "OOM-killed"
          : `not OOM-killed${o.data.oomError ? `: ${o.data.oomError}` : ""}`,
      }),
    ),
    expect.successRate("during", 0.9),
    expect.failuresAnsweredWith("during", [502, 503, 504], 0),
    expect.custom(
      "the hive evicts the OOM-killed worker",
      `within ${EVICT_MS} ms of the kill`,
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
