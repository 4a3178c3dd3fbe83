#!/usr/bin/env -S npx tsx
// HA-003: backend A answers 2 s late, beyond HAProxy's `timeout server` (500 ms). HAProxy's documented
// behaviour: with `retry-on response-timeout` and `option redispatch 1` a request A does not answer in time is
// retried on B, so clients wait about `timeout server` at most; A's health checks time out (`timeout check`),
// and after `fall` of them A is marked DOWN.
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

const TIMEOUT_SERVER_MS = 500;
// Each failed check waits `timeout check` before it counts.
const DOWN_WITHIN = CHECK.fall * (CHECK.interMs + CHECK.timeoutMs) + SLACK_MS;

export const scenario = defineScenario({
  id: "HA-003",
  name: "Backend A slow (2 s): HAProxy serves from B within its timeouts",
  suite: "chaos",
  category: "failover",
  expected: `With A 2 s late, success stays >= 99% (timed-out requests retried on B), no request takes 1.5 s (timeout server ${TIMEOUT_SERVER_MS} ms plus B's answer), p95 < 1 s, B answers >= 99%, A is marked DOWN within ${DOWN_WITHIN} ms, and it recovers`,
  fault: chaos.network.latency(2000).on("app-a"),
  duration: "10s",
  minDuration: "5s",
  before: countingRetries.before,
  beside: (ctx) => recordStatusTime(ctx, "a", "DOWN", 5000),
  beforeRevert: countingRetries.beforeRevert,
  expect: [
    expect.successRate("during", 0.99),
    expect.latencyBelow("during", "max", 1500, "no request waits for A"),
    expect.latencyBelow("during", "p95", 1000),
    expect.captured("during", "backend", "B", { min: 0.99 }, "B answers while A is slow"),
    withinMs(markedDownMs, `A marked DOWN after fall (${CHECK.fall}) timed-out checks`, DOWN_WITHIN),
    haproxyRetried,
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
