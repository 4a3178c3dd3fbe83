#!/usr/bin/env -S npx tsx
// HA-002: backend A comes back. HAProxy's documented behaviour: a DOWN server is marked UP again after `rise`
// good health checks in a row, and round robin sends it its share again.
import { chaos, defineScenario, expect, runIfMain } from "../../../sdk/index.ts";
import { CHECK, markedUpMs, recordStatusTime, SLACK_MS, withinMs } from "./_lib/haproxy-checks.ts";

const UP_WITHIN = CHECK.rise * CHECK.interMs + SLACK_MS;

export const scenario = defineScenario({
  id: "HA-002",
  name: "Backend A back: in rotation again after rise checks",
  suite: "chaos",
  category: "failover",
  expected: `Round robin splits requests about evenly between A and B; once A answers again HAProxy marks it UP after ${CHECK.rise} good checks (within ${UP_WITHIN} ms) and A serves >= 25% of the requests after the fault`,
  duration: "4s",
  minDuration: "3s",
  // The "after" window (the first healthy one after the revert) is long enough for A to be back in it.
  recovery: { deadline: "15s", window: "5s" },
  steps: async (ctx) => {
    const down = await ctx.apply(chaos.network.down().on("app-a"));
    await recordStatusTime(ctx, "a", "DOWN", 4000);
    await ctx.hold();
    await down.revert();
    await recordStatusTime(ctx, "a", "UP", 6000);
  },
  expect: [
    expect.captured("before", "backend", "A", { min: 0.35, max: 0.65 }, "round robin: A serves about half"),
    expect.captured("during", "backend", "B", { min: 0.99 }, "B answers while A is down"),
    withinMs(markedUpMs, `A marked UP after rise (${CHECK.rise}) good checks`, UP_WITHIN),
    expect.captured("after", "backend", "A", { min: 0.25 }, "A is back in rotation after the fault"),
    expect.successRate("after", 0.99),
  ],
});

await runIfMain(import.meta, scenario);
