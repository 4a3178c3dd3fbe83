#!/usr/bin/env -S npx tsx
// NF-001: the hive is cut off from the queen by a partition (connections open, nothing passes).
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";

export const scenario = defineScenario({
  id: "NF-001",
  name: "Complete network partition (queen ↔ hive)",
  suite: "chaos",
  category: "network",
  roles: { gateway: [], backend: ["proxy"] },
  expected:
    "With the hive partitioned the queen answers 502/503/504 within its timeout and never hangs; after the heal success is back to >= 99% within 15 s",
  fault: chaos.network.partition().on("@backend"),
  duration: "20s",
  // Long enough that a queen without timeouts is seen hanging past its 3 s first-byte timeout.
  minDuration: "8s",
  recovery: { deadline: "15s" },
  expect: [
    expect.failuresAnsweredWith("during", [502, 503, 504]),
    expect.latencyBelow("during", "max", 5000, "no request hangs (the queen's first-byte timeout is 3 s)"),
    expect.recovered(),
    expect.successRate("after", 0.99),
  ],
});

await runIfMain(import.meta, scenario);
