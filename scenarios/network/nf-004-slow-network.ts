#!/usr/bin/env -S npx tsx
// NF-004: the hive's answers crawl at 10 KB/s.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";

export const scenario = defineScenario({
  id: "NF-004",
  name: "Slow network (10 KB/s)",
  suite: "chaos",
  category: "network",
  roles: { gateway: [], backend: ["proxy"] },
  expected: "At 10 KB/s token streams continue: >= 99% of requests succeed and none times out (p99 < 5 s)",
  fault: chaos.network.bandwidth(10).on("@backend"),
  duration: "30s",
  expect: [
    expect.successRate("during", 0.99),
    expect.latencyBelow("during", "p99", 5000),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
