#!/usr/bin/env -S npx tsx
// HA-004, a load scenario: 50 requests/s through HAProxy with every backend healthy. HAProxy's documented
// `balance roundrobin`: servers of equal weight take turns, so each backend serves about half.
import { defineScenario, expect, type LoadResult, load, runIfMain } from "../../../sdk/index.ts";

export const scenario = defineScenario({
  id: "HA-004",
  name: "Steady load: round robin splits 50 requests/s evenly",
  suite: "load",
  category: "load",
  expected: "At 50 requests/s, < 1% fail, p95 < 1 s, and A and B each serve 40-60% of the requests",
  load: {
    plan: load
      .rate(50, "20s")
      .request({ method: "GET", url: "/" })
      .capture({ backend: "header:x-backend" })
      .thresholds({ http_req_failed: ["rate<0.01"], http_req_duration: ["p(95)<1000"] }),
    service: "haproxy",
  },
  expect: [
    expect.thresholdsHeld(),
    expect.custom("round robin: A and B take turns", "A serves 40-60% of the requests", (o) => {
      const split = (o.data.load as LoadResult | undefined)?.captures?.backend ?? {};
      const total = Object.values(split).reduce((a, b) => a + b, 0);
      const a = total ? (split.A ?? 0) / total : 0;
      return { ok: a >= 0.4 && a <= 0.6, observed: `${JSON.stringify(split)} (A ${Math.round(a * 100)}%)` };
    }),
  ],
});

await runIfMain(import.meta, scenario);
