#!/usr/bin/env -S npx tsx
// LT-001, the rbee plan's inference load: 0 → 1000 users in 5 min, hold 10 min, down in 1 min (1 s think time).
import { defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { healthKeptAnswering, recoveredAfterLoad } from "../_lib/load-checks.ts";
import { inferencePattern } from "../_lib/rbee-patterns.ts";

export const scenario = defineScenario({
  id: "LT-001",
  name: "Inference load (0 → 1000 users)",
  suite: "load",
  category: "load",
  roles: { gateway: [] },
  expected:
    "1000 users with 1 s think time are served within the thresholds: errors < 1%, p95 < 500 ms, p99 < 1000 ms, checks > 99%",
  load: { plan: inferencePattern(), service: "@gateway" },
  expect: [expect.thresholdsHeld(), healthKeptAnswering(0.95), recoveredAfterLoad(10_000)],
});

await runIfMain(import.meta, scenario);
