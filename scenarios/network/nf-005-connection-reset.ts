#!/usr/bin/env -S npx tsx
// NF-005: a quarter of the queen → hive connections are reset (TCP RST) as the request goes out.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { countingRetries, queenRetried, RETRY_ROLES } from "../_lib/rbee.ts";

export const scenario = defineScenario({
  id: "NF-005",
  name: "Connection reset",
  suite: "chaos",
  category: "network",
  roles: RETRY_ROLES,
  expected:
    "With 25% of queen → hive connections reset, failed attempts are retried: success >= 95%, and it recovers",
  duration: "30s",
  fault: chaos.network.reset().upstream().toxicity(0.25).on("@backend"),
  // The queen's retry counter is read around the fault: the evidence that it bit.
  ...countingRetries,
  expect: [expect.successRate("during", 0.95), queenRetried, expect.recovered()],
});

await runIfMain(import.meta, scenario);
