#!/usr/bin/env -S npx tsx
// Stress "1000 concurrent connections" (the rbee plan: a flood against queen-rbee). 1000 connections are held
// open to the queen, half idle and half slow (headers trickling in a byte a second, never finished). The queen
// must not crash, its health must keep answering on new connections, and the traffic must keep being served.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { alive, observer, QUEEN, resourceChecks, rssBytes, sampler } from "../_lib/resources.ts";

export const scenario = defineScenario({
  id: "stress-connections",
  name: "1000 concurrent connections (idle and slow)",
  suite: "stress",
  category: "connections",
  roles: { gateway: ["process"] },
  expected:
    "With 1000 connections held open (500 idle, 500 slow), the queen does not crash, its health answers >= 95% of probes within 2 s, >= 95% of requests succeed, and it recovers",
  duration: "20s",
  steps: async (ctx) => {
    const queen = ctx.system.service(QUEEN);
    const rssBefore = await rssBytes(queen.pid);
    const idle = await ctx.apply(
      chaos.resource.connections(500).on(queen.url).observe(observer(ctx, "idle")),
    );
    const slow = await ctx.apply(
      chaos.resource.connections(500).slow().on(queen.url).observe(observer(ctx, "slow")),
    );
    const health = sampler(new URL("/health", queen.url).toString());
    await ctx.hold();
    ctx.record("health", await health.stop());
    const rssDuring = await rssBytes(queen.pid);
    await slow.revert();
    await idle.revert();
    ctx.record("queenAlive", await alive(queen.pid));
    ctx.record("rssGrowthMb", rssBefore && rssDuring ? Math.round((rssDuring - rssBefore) / 2 ** 20) : null);
  },
  expect: [
    expect.custom("1000 connections were held", ">= 950 opened", (o) => {
      const a = (o.data["idle.applied"] ?? {}) as { opened?: number };
      const b = (o.data["slow.applied"] ?? {}) as { opened?: number };
      const n = (a.opened ?? 0) + (b.opened ?? 0);
      return { ok: n >= 950, observed: `${n} opened` };
    }),
    resourceChecks.noCrash(QUEEN, "queenAlive"),
    resourceChecks.allAnswered("health keeps answering", "health", 0.95),
    expect.successRate("during", 0.95),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
