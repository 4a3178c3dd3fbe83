import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { k6SummaryToResult, parseK6Summary } from "../../../sdk/load/k6/k6-summary.ts";
import { load } from "../../../sdk/load/load.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const plan = load
  .ramp(0, 50, "30s")
  .target("http://127.0.0.1:8080")
  .thresholds({
    http_req_duration: ["p(95)<500", "p(99)<50"],
    http_req_failed: ["rate<0.01"],
    checks: ["rate>0.99"],
  })
  .resolve();

// Both documented shapes carry the same run; they must read the same.
for (const [file, format] of [
  ["handle-summary.json", "handle-summary"],
  ["summary-export.json", "summary-export"],
] as const) {
  describe(`k6 summary: ${format}`, () => {
    const s = parseK6Summary(fixture(file));
    it("is recognised", () => {
      assert.equal(s.format, format);
      assert.equal(s.metrics.http_req_failed.values.rate, 0.004);
    });
    it("maps onto the result model", () => {
      const r = k6SummaryToResult(s, plan, "d", 1000, 31_000);
      assert.equal(r.engine, "k6");
      assert.equal(r.totals.requests, 1000);
      assert.equal(r.totals.failed, 4);
      assert.equal(r.totals.ok, 996);
      assert.deepEqual(r.totals.checks, { passes: 996, fails: 4 });
      assert.equal(r.latency.p95, 30.5);
      assert.equal(r.latency.p99, 80.1);
      assert.equal(r.latency.p999, 700.2);
      assert.equal(r.latency.p50, 10.1);
      assert.equal(r.throughput, 33.32);
      assert.equal(r.droppedIterations, 3);
      assert.equal(r.maxUsers, 50);
    });
    it("reads the threshold verdicts (the legacy export writes true for FAILED)", () => {
      const r = k6SummaryToResult(s, plan, "d", 1000, 31_000);
      assert.deepEqual(
        r.thresholds.map((t) => [t.metric, t.expression, t.ok, t.value]),
        [
          ["http_req_duration", "p(95)<500", true, 30.5],
          ["http_req_duration", "p(99)<50", false, 80.1],
          ["http_req_failed", "rate<0.01", true, 0.004],
          ["checks", "rate>0.99", true, 0.996],
        ],
      );
      assert.equal(r.thresholdsFailed, true);
    });
  });
}

describe("parseK6Summary", () => {
  it("refuses something that is not a summary", () => {
    assert.throws(() => parseK6Summary("{}"), /not a k6 summary/);
  });
});
