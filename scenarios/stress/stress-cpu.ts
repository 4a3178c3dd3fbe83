#!/usr/bin/env -S npx tsx
// Stress "CPU exhaustion" (the rbee plan: stress-ng --cpu on rbee-hive). The hive and its workers get a cgroup
// with a quota of one CPU, and two stress-ng workers at 100% inside it: the hive's whole CPU budget is taken.
// Requests must queue (not fail) and the service must recover once the stress ends.
import { cpus } from "node:os";
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { alive, canStress, HIVE, latencyBack, observer, serviceTarget } from "../_lib/resources.ts";

export const scenario = defineScenario({
  id: "stress-cpu",
  name: "CPU exhaustion (stress-ng in the hive's cgroup)",
  suite: "stress",
  category: "cpu",
  roles: { backend: ["process"] },
  expected:
    "With the hive's CPU budget taken by stress-ng, requests queue (latency rises) but >= 90% succeed, the hive does not crash, and latency is back within 2x the baseline after",
  requires: [canStress],
  duration: "30s",
  steps: async (ctx) => {
    const pid = ctx.system.service(HIVE).pid;
    await ctx.apply(
      chaos.resource
        .cpu({ load: 100 })
        .quota(1)
        .workers(Math.max(2, cpus().length))
        .on(await serviceTarget(ctx, HIVE))
        .observe(observer(ctx, "cpu")),
    );
    await ctx.hold();
    ctx.record("hiveAlive", await alive(pid));
  },
  expect: [
    expect.latencyIncrease("during", "p50", { min: 10 }),
    expect.successRate("during", 0.9),
    expect.custom("hive does not crash", "alive at the end of the stress", (o) => ({
      ok: o.data.hiveAlive === true,
      observed: o.data.hiveAlive ? "alive" : "gone",
    })),
    expect.recovered(),
    latencyBack(2),
  ],
});

await runIfMain(import.meta, scenario);
