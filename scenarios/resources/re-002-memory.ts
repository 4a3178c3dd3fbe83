#!/usr/bin/env -S npx tsx
// RE-002: "Memory exhaustion (95%)". A worker is moved into a memory cgroup of its own (limit: its usage +
// 32 MiB) where stress-ng holds 95% of what is left. The worker still answers; when it then allocates (a
// request's working memory, via its debug endpoint), the cgroup goes over its limit and the kernel OOM-kills
// it. The hive must detect and remove the dead worker and replace it, and the service keep serving.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  allocateIn,
  canStress,
  healthy,
  observer,
  oomChecks,
  readyWorker,
  WORKERS,
  watchEviction,
} from "../_lib/resources.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 20_000;

export const scenario = defineScenario({
  id: "RE-002",
  name: "Memory exhaustion (95%)",
  suite: "chaos",
  category: "resources",
  roles: { workers: ["instances", "api:rbee-hive"] },
  expected: `At 95% of its memory limit a worker still answers; when it allocates past the limit the kernel OOM-kills it, the hive removes it within ${EVICT_MS / 1000} s and replaces it within ${REPLACE_MS / 1000} s, and the service keeps >= 90% success`,
  requires: [canStress],
  duration: "20s",
  steps: async (ctx) => {
    const readyBefore = (await ctx.system.instances(WORKERS)).filter((w) => w.state === "ready").length;
    const { info, target } = await readyWorker(ctx);
    const handle = await ctx.apply(
      chaos.resource.memory({ percent: 95 }).on(target).observe(observer(ctx, "memory")),
    );
    const hold = ctx.hold();
    ctx.record("workerAnsweredAt95", info.url ? await healthy(info.url) : false);
    await allocateIn(info.url, 16);
    await Promise.all([watchEviction(ctx, info, readyBefore, { deadlineMs: REPLACE_MS }), hold]);
    await handle.revert();
  },
  expect: [
    expect.custom("at 95% the worker still answers", "GET /health 2xx", (o) => ({
      ok: o.data.workerAnsweredAt95 === true,
      observed: o.data.workerAnsweredAt95 ? "answered" : "did not answer",
    })),
    ...oomChecks(EVICT_MS, REPLACE_MS),
    expect.successRate("during", 0.9),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
