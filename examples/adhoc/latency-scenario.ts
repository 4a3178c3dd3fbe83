#!/usr/bin/env -S npx tsx
// The ad-hoc example as a scenario: expected behaviour in words and as checks, background traffic, the fault
// window, recovery and a report. Runs alone on the example's config:
//   npx tsx examples/adhoc/latency-scenario.ts --config examples/adhoc/two-apps.config.ts --quick
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";

export const scenario = defineScenario({
  id: "ADHOC-001",
  name: "300 ms of latency on app-1",
  suite: "chaos",
  category: "example",
  expected:
    "Every request still succeeds; p95 rises by the 300 ms applied (250–1000 ms) and falls back after",
  fault: chaos.network.latency(300).on("app-1"),
  duration: "10s",
  recovery: { deadline: "10s" },
  expect: [
    expect.successRate("during", 1),
    expect.latencyIncrease("during", "p95", { min: 250, max: 1000 }),
    expect.recovered(),
    expect.latencyBelow("after", "p95", 250),
  ],
});

await runIfMain(import.meta, scenario);
