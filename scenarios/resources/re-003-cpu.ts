#!/usr/bin/env -S npx tsx
// RE-003: "CPU saturation (100%)". The hive and its workers are moved into a cgroup with a quota of half a CPU,
// and stress-ng runs at 100% in that same cgroup: the hive competes with the stress for its own CPU budget
// (nothing else on the machine is touched). Requests must queue rather than fail, and latency must come back.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  alive,
  canStress,
  cpuEvidence,
  HIVE,
  latencyBack,
  observer,
  serviceTarget,
} from "../_lib/resources.ts";

export const scenario = defineScenario({
  id: "RE-003",
  name: "CPU saturation (100%)",
  suite: "chaos",
  category: "resources",
  roles: { backend: ["process"] },
  expected:
    "With the hive's CPU quota saturated by stress-ng, requests queue (latency rises) but >= 95% still succeed, the hive does not crash, and p95 latency is back within 2x the baseline after the stress ends",
  requires: [canStress],
  duration: "20s",
  steps: async (ctx) => {
    const pid = ctx.system.service(HIVE).pid;
    const target = await serviceTarget(ctx, HIVE);
    await ctx.apply(chaos.resource.cpu({ load: 100 }).quota(0.5).on(target).observe(observer(ctx, "cpu")));
    await ctx.hold();
    await cpuEvidence(ctx, HIVE);
    ctx.record("hiveAlive", await alive(pid));
  },
  expect: [
    expect.latencyIncrease("during", "p50", { min: 10 }),
    expect.successRate("during", 0.95),
    expect.custom("hive does not crash", "alive at the end of the stress", (o) => ({
      ok: o.data.hiveAlive === true,
      observed: o.data.hiveAlive ? "alive" : "gone",
    })),
    latencyBack(2),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
