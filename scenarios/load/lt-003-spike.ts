#!/usr/bin/env -S npx tsx
// LT-003, the rbee plan's spike: 100 users, → 2000 in 10 s, hold 1 min, back to 100, → 3000 in 10 s, hold 1 min.
// Both peaks are past the demo's capacity on two cores (about 1000 users within the thresholds, see
// bench/README.md): the verdict is on how it takes the spikes; the rbee thresholds are measured and reported.
import { defineScenario, runIfMain } from "../../sdk/index.ts";
import {
  healthKeptAnswering,
  overloadShedCleanly,
  recoveredAfterLoad,
  thresholdsFailed,
} from "../_lib/load-checks.ts";
import { spikePattern } from "../_lib/rbee-patterns.ts";

export const scenario = defineScenario({
  id: "LT-003",
  name: "Spike load (100 → 2000 → 100 → 3000 users)",
  suite: "load",
  category: "load",
  roles: { gateway: [] },
  expected:
    "Through two sudden spikes the service stays up: health keeps answering, overload is shed with 429/503 (>= 95% of failures), and it serves normally again within 10 s of the end; the rbee thresholds are reported, not expected to hold at the peaks",
  load: {
    plan: spikePattern(),
    service: "@gateway",
    after: async (ctx) => {
      if (thresholdsFailed(ctx))
        ctx.note(
          "The rbee thresholds did not all hold through the spikes (see the load table): the peaks exceed capacity.",
        );
    },
  },
  expect: [healthKeptAnswering(0.9), overloadShedCleanly(0.95), recoveredAfterLoad(10_000)],
});

await runIfMain(import.meta, scenario);
