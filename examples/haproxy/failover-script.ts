#!/usr/bin/env -S npx tsx
// An ad-hoc experiment, no runner: start the HAProxy example, send 50 requests/s for 6 s while backend A is
// down, and print who answered. `npx tsx examples/haproxy/failover-script.ts`. Everything it starts or
// applies is stopped and reverted when the blocks end (also on Ctrl-C or an error).
import { chaos, load, testbed } from "../../sdk/index.ts";
import { timeUntilStatus } from "./haproxy-stats.ts";

await using bed = await testbed({ config: "examples/haproxy/haproxy.config.ts" });
const plan = load
  .rate(50, "6s")
  .target(bed.url("haproxy"))
  .request({ method: "GET", url: "/" })
  .capture({ backend: "header:x-backend" });

const healthy = await plan.run();
console.log("healthy:   ", healthy.captures?.backend, `p95 ${Math.round(healthy.latency.p95)} ms`);
{
  await using _down = await chaos.network.down().on("app-a").apply();
  const r = await plan.run();
  console.log("A down:    ", r.captures?.backend, `${r.totals.failed} of ${r.totals.requests} failed`);
}
// HAProxy takes A back after `rise` good checks: wait for it, or the next block would find A still DOWN.
console.log("A UP again after", await timeUntilStatus("a", "UP", { timeoutMs: 5000 }), "ms");
{
  await using _slow = await chaos.network.latency(2000).on("app-a").apply();
  const r = await plan.run();
  console.log("A 2 s slow:", r.captures?.backend, `p95 ${Math.round(r.latency.p95)} ms`);
}
