#!/usr/bin/env -S npx tsx
// LT-003, the rbee plan's spike: 100 users, → 2000 in 10 s, hold 1 min, back to 100, → 3000 in 10 s, hold 1 min.
import { defineScenario, expect, runIfMain, runLoadPlan, spikePattern } from "../../sdk/index.ts";
import { healthKeptAnswering, overloadShedCleanly } from "../_lib/load-checks.ts";

export const scenario = defineScenario({
  id: "LT-003",
  name: "Spike load (100 → 2000 → 100 → 3000 users)",
  suite: "load",
  category: "load",
  expected:
    "Through two spikes the service stays within the thresholds (errors < 1%, p95 < 500 ms, p99 < 1000 ms), health keeps answering, and any overload is shed with 429/503",
  run: async (ctx) => {
    await runLoadPlan(ctx, spikePattern());
  },
  expect: [expect.thresholdsHeld(), healthKeptAnswering(0.95), overloadShedCleanly(0.95)],
});

await runIfMain(import.meta, scenario);
