#!/usr/bin/env -S npx tsx
// HA-001: backend A goes down (its proxy refuses connections). HAProxy's documented behaviour: a request whose
// connection fails is retried, on another server with `option redispatch`; after `fall` failed health checks
// the server is marked DOWN and gets no more traffic.
import { chaos, defineScenario, expect, runIfMain } from "../../../sdk/index.ts";
import {
  CHECK,
  countingRetries,
  haproxyRetried,
  markedDownMs,
  recordStatusTime,
  SLACK_MS,
  withinMs,
} from "./_lib/haproxy-checks.ts";

// The first failed check comes at most one interval after the fault, the fall-th one (fall - 1) later.
const DOWN_WITHIN = CHECK.fall * CHECK.interMs + SLACK_MS;

export const scenario = defineScenario({
  id: "HA-001",
  name: "Backend A down: HAProxy fails over to B",
  suite: "chaos",
  category: "failover",
  expected: `With A refusing connections, HAProxy marks A DOWN after ${CHECK.fall} failed checks (within ${DOWN_WITHIN} ms), B answers >= 99% of requests, retries and redispatch keep success >= 99%, and it recovers`,
  fault: chaos.network.down().on("app-a"),
  duration: "10s",
  // Long enough to see A marked DOWN whatever the time scale.
  minDuration: "5s",
  before: countingRetries.before,
  beside: (ctx) => recordStatusTime(ctx, "a", "DOWN", 4000),
  beforeRevert: countingRetries.beforeRevert,
  expect: [
    expect.successRate("during", 0.99),
    expect.captured("during", "backend", "B", { min: 0.99 }, "B answers while A is down"),
    withinMs(markedDownMs, `A marked DOWN after fall (${CHECK.fall}) failed checks`, DOWN_WITHIN),
    haproxyRetried,
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
