#!/usr/bin/env -S npx tsx
// LT-004, the rbee plan's inference load with streaming on: LT-001's users, stages and thresholds, each answer
// read as a token stream, judged on time to first token, the gaps between tokens and cut streams as well.
import { defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { healthKeptAnswering, recoveredAfterLoad } from "../_lib/load-checks.ts";
import { streamingInferencePattern } from "../_lib/rbee-stream-pattern.ts";

export const scenario = defineScenario({
  id: "LT-004",
  name: "Streaming inference load (0 → 1000 users)",
  suite: "load",
  category: "load",
  roles: { gateway: [] },
  expected:
    "1000 streaming users with 1 s think time are served within the thresholds: errors < 1%, p95 < 500 ms, p99 < 1000 ms, checks > 99%, time to first token p95 < 300 ms, inter-token latency p95 < 100 ms, cut streams < 1%",
  load: { plan: streamingInferencePattern(), service: "@gateway" },
  expect: [expect.thresholdsHeld(), healthKeptAnswering(0.95), recoveredAfterLoad(10_000)],
});

await runIfMain(import.meta, scenario);
