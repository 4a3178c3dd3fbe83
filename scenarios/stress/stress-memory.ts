#!/usr/bin/env -S npx tsx
// Stress "memory exhaustion" (the rbee plan: stress-ng --vm on a worker). stress-ng inside one worker's memory
// cgroup asks for more than the cgroup has left: the kernel OOM-kills the worker (the OOM killer's first
// choice: the bigger process, its oom_score_adj raised). The hive must detect and remove it, and replace it.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { canStress, observer, oomChecks, readyWorker, WORKERS, watchEviction } from "../_lib/resources.ts";

const EVICT_MS = 5000;
const REPLACE_MS = 20_000;

export const scenario = defineScenario({
  id: "stress-memory",
  name: "Memory exhaustion (stress-ng past a worker's limit)",
  suite: "stress",
  category: "memory",
  roles: { workers: ["instances", "api:rbee-hive"] },
  expected: `Memory pressure past a worker's limit ends in a kernel OOM kill of the worker; the hive removes it within ${EVICT_MS / 1000} s and replaces it within ${REPLACE_MS / 1000} s, and the service keeps >= 90% success`,
  requires: [canStress],
  duration: "20s",
  steps: async (ctx) => {
    const readyBefore = (await ctx.system.instances(WORKERS)).filter((w) => w.state === "ready").length;
    const { info, target } = await readyWorker(ctx);
    const handle = await ctx.apply(
      chaos.resource.memory({ percent: 150 }).on(target).observe(observer(ctx, "memory")),
    );
    await Promise.all([watchEviction(ctx, info, readyBefore, { deadlineMs: REPLACE_MS }), ctx.hold()]);
    await handle.revert();
  },
  expect: [...oomChecks(EVICT_MS, REPLACE_MS), expect.successRate("during", 0.9), expect.recovered()],
});

await runIfMain(import.meta, scenario);
