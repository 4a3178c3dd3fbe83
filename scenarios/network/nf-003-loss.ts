#!/usr/bin/env -S npx tsx
// NF-003: "30% packet loss". Toxiproxy works on connections, so 30% of the queen → hive connections are cut.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import { countingRetries, queenRetried, RETRY_ROLES } from "../_lib/rbee.ts";

export const scenario = defineScenario({
  id: "NF-003",
  name: "Packet loss (30% of connections cut)",
  suite: "chaos",
  category: "network",
  roles: RETRY_ROLES,
  expected:
    "With 30% of queen → hive connections cut, the queen's retries keep the success rate >= 95%, and it recovers",
  duration: "30s",
  fault: chaos.network.loss(0.3).on("@backend"),
  // The queen's retry counter is read around the fault: the evidence that it bit.
  ...countingRetries,
  expect: [expect.successRate("during", 0.95), queenRetried, expect.recovered()],
});

await runIfMain(import.meta, scenario);
