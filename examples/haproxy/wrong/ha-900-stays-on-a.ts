#!/usr/bin/env -S npx tsx
// HA-900, a deliberately wrong expectation: that traffic stays on backend A while A is down. HAProxy fails
// over to B, so this scenario must FAIL on its first check. It lives outside scenarios/ so that the example's
// own suite stays green; run it with --scenarios examples/haproxy/wrong (see docs/own-system.md).
import { chaos, defineScenario, expect, runIfMain } from "../../../sdk/index.ts";

export const scenario = defineScenario({
  id: "HA-900",
  name: "Wrong on purpose: traffic stays on A while A is down",
  suite: "chaos",
  category: "failover",
  expected: "(wrong) With A refusing connections, A still answers at least half of the requests",
  fault: chaos.network.down().on("app-a"),
  duration: "5s",
  minDuration: "3s",
  expect: [
    expect.captured("during", "backend", "A", { min: 0.5 }, "A keeps answering while it is down"),
    expect.successRate("during", 0.99),
  ],
});

await runIfMain(import.meta, scenario);
