import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  thresholdState,
  thresholdStateWords,
  thresholdsJudged,
  thresholdWords,
} from "../../sdk/report/threshold-words.ts";

const t = (metric: string, expression: string, value: number | null, ok: boolean) => ({
  metric,
  expression,
  value,
  ok,
});

describe("thresholdWords", () => {
  test("a failed threshold: the statistic, the metric, the value and the limit, with units", () => {
    assert.equal(
      thresholdWords(t("http_req_duration", "p(95)<500", 2050.047, false)),
      "p95 latency 2050 ms > 500 ms limit",
    );
    assert.equal(
      thresholdWords(t("http_req_failed", "rate<0.01", 0.6873, false)),
      "failed requests 68.73% > 1% limit",
    );
    assert.equal(thresholdWords(t("checks", "rate>0.99", 0.3127, false)), "checks passed 31.27% < 99% limit");
    assert.equal(
      thresholdWords(t("http_req_duration", "avg<200", 200, false)),
      "mean latency 200 ms = 200 ms limit",
    );
    assert.equal(thresholdWords(t("iterations", "count>100", 42, false)), "count iterations 42 < 100 limit");
  });

  test("a held threshold reads as the value and its limit", () => {
    assert.equal(
      thresholdWords(t("http_req_duration", "p(99.9) < 1000", 294.9, true)),
      "p99.9 latency 295 ms (limit < 1000 ms)",
    );
  });

  test("an expression it cannot read is shown as written", () => {
    assert.equal(thresholdWords(t("custom", "weird>>1", 3, false)), "custom weird>>1: 3");
  });
});

describe("judged or only reported", () => {
  test("judged when the scenario has the thresholds check; reported ones are never NO or FAIL", () => {
    assert.equal(
      thresholdsJudged({ checks: [{ name: "load thresholds", ok: true, expected: "", observed: "" }] }),
      true,
    );
    assert.equal(thresholdsJudged({ checks: [] }), false);
    const failed = t("http_req_failed", "rate<0.01", 0.5, false);
    assert.equal(thresholdStateWords(thresholdState(true, failed), false), "FAIL");
    assert.equal(
      thresholdStateWords(thresholdState(false, failed), false),
      "exceeded (reported, not judged)",
    );
    assert.equal(
      thresholdStateWords(thresholdState(false, { ...failed, ok: true }), true),
      "held (reported, not judged)",
    );
  });
});
