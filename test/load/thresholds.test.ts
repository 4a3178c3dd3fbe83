import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { createHistogram, encodeHistogram, recordMs } from "../../sdk/load/histogram.ts";
import { evaluateThresholds, parseThresholds, toThresholdMap } from "../../sdk/load/thresholds.ts";
import type { LoadResult } from "../../sdk/load/types.ts";

function result(latencies: number[], over: Partial<LoadResult["totals"]> = {}, dropped = 0): LoadResult {
  const h = createHistogram();
  for (const v of latencies) recordMs(h, v);
  const requests = latencies.length;
  return {
    engine: "open",
    model: "open",
    description: "",
    startedAt: 0,
    endedAt: 10_000,
    startTarget: 0,
    stages: [],
    maxUsers: 7,
    totals: {
      requests,
      ok: requests,
      failed: 0,
      byStatus: {},
      byKind: {},
      checks: { passes: 0, fails: 0 },
      interrupted: 0,
      ...over,
    },
    latency: { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
    throughput: 0,
    droppedIterations: dropped,
    timeline: [],
    histogram: encodeHistogram(h),
    thresholds: [],
    thresholdsFailed: false,
    aborted: false,
  };
}

describe("evaluateThresholds", () => {
  // 100 latencies: 1..100 ms, so p(95) = 95 and p(99) = 99 (within HDR resolution)
  const lat = Array.from({ length: 100 }, (_, i) => i + 1);
  it("reads trend percentiles from the merged histogram", () => {
    const r = evaluateThresholds(
      { http_req_duration: ["p(95)<96", "p(99)<98", "avg<=50.6", "med<51", "max<100"] },
      result(lat),
    );
    assert.deepEqual(
      r.map((t) => [t.expression, t.ok]),
      [
        ["p(95)<96", true],
        ["p(99)<98", false],
        ["avg<=50.6", true],
        ["med<51", true],
        ["max<100", false],
      ],
    );
    assert.ok(Math.abs(r[0].value - 95) < 0.1, `${r[0].value}`);
    assert.ok(Math.abs(r[1].value - 99) < 0.1);
  });
  it("computes http_req_failed and checks as k6 rates", () => {
    const res = result(lat, { failed: 2, ok: 98, checks: { passes: 995, fails: 5 } });
    const r = evaluateThresholds({ http_req_failed: ["rate<0.01"], checks: ["rate>0.99"] }, res);
    assert.equal(r[0].value, 0.02);
    assert.equal(r[0].ok, false);
    assert.equal(r[1].value, 0.995);
    assert.equal(r[1].ok, true);
  });
  it("reads counters as count and rate per second, and vus_max as a gauge", () => {
    const r = evaluateThresholds(
      { dropped_iterations: ["count<1", "rate<0.5"], http_reqs: ["rate>=10"], vus_max: ["value==7"] },
      result(lat, {}, 3),
    );
    assert.deepEqual(
      r.map((t) => [t.value, t.ok]),
      [
        [3, false],
        [0.3, true],
        [10, true],
        [7, true],
      ],
    );
  });
  it("keeps abortOnFail from the long form", () => {
    const r = evaluateThresholds({ checks: [{ threshold: "rate>0.5", abortOnFail: true }] }, result(lat));
    assert.equal(r[0].abortOnFail, true);
    assert.equal(r[0].ok, false); // no checks ran: k6's empty rate is 0
  });
});

describe("parseThresholds", () => {
  it("lists every problem in one ValidationError", () => {
    assert.throws(
      () =>
        parseThresholds({
          http_req_duration: ["p(95)<500", "p95<500", "rate<0.1"],
          http_req_failed: ["avg<3"],
          nope: ["count<1"],
          "http_req_duration{status:200}": ["p(95)<1"],
          checks: [{ threshold: "rate>0.9", delayAbortEval: "soon" }],
        }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.problems.length, 6);
        const text = e.message;
        assert.match(text, /thresholds\.http_req_duration\[1\]: cannot parse threshold expression "p95<500"/);
        assert.match(text, /http_req_duration is a trend metric: use avg, min, max, med, p\(N\), not rate/);
        assert.match(text, /http_req_failed is a rate metric/);
        assert.match(text, /unknown metric "nope"/);
        assert.match(text, /sub-metrics with tag filters/);
        assert.match(text, /checks\[0\]\.delayAbortEval/);
        return true;
      },
    );
  });
  it("round-trips to k6's map form", () => {
    const map = { http_req_duration: ["p(95)<500"], checks: [{ threshold: "rate>0.99", abortOnFail: true }] };
    assert.deepEqual(toThresholdMap(parseThresholds(map)), map);
  });
});
