#!/usr/bin/env -S npx tsx
// NF-005: a quarter of the queen → hive connections are reset (TCP RST) as the request goes out.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";

export const scenario = defineScenario({
  id: "NF-005",
  name: "Connection reset",
  suite: "chaos",
  category: "network",
  expected:
    "With 25% of queen → hive connections reset, failed attempts are retried: success >= 98%, and it recovers",
  fault: chaos.network.reset().upstream().toxicity(0.25).on("hive"),
  duration: "30s",
  expect: [expect.successRate("during", 0.98), expect.recovered()],
});

await runIfMain(import.meta, scenario);
