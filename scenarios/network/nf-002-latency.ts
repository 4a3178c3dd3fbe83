#!/usr/bin/env -S npx tsx
// NF-002: 500 ms of latency (± 100 ms jitter) on the hive's answers.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";

export const scenario = defineScenario({
  id: "NF-002",
  name: "High latency (500 ms + jitter)",
  suite: "chaos",
  category: "network",
  roles: { gateway: [], backend: ["proxy"] },
  expected:
    "Requests still succeed (>= 99%); p95 rises by about the injected latency (350–1000 ms) and no more",
  fault: chaos.network.latency(500).jitter(100).on("@backend"),
  duration: "30s",
  expect: [
    expect.successRate("during", 0.99),
    expect.latencyIncrease("during", "p95", { min: 350, max: 1000 }),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
