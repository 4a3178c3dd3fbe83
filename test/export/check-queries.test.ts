import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkQueries, describeCheck } from "../../sdk/export/check-queries.ts";
import { expect } from "../../sdk/runner/expect.ts";

const W = {
  testid: "hs-nf-002-traffic",
  baselineMs: 5000,
  durationMs: 30_000,
  recoveryMs: 15_000,
  windowMs: 3000,
};
const ok = 'k6_http_reqs_total{testid="hs-nf-002-traffic",expected_response="true"}';
const all = 'k6_http_reqs_total{testid="hs-nf-002-traffic"}';

describe("checkQueries", () => {
  it("names each built-in check in PromQL over its window", () => {
    const [rate, atMost, p95, max, increase, failures, recovered, thresholds] = checkQueries(
      [
        expect.successRate("during", 0.95),
        expect.successRateAtMost("during", 0.5, "the fault bites"),
        expect.latencyBelow("during", "p95", 1500),
        expect.latencyBelow("after", "max", 5000),
        expect.latencyIncrease("during", "p95", { min: 350, max: 1000 }),
        expect.failuresAnsweredWith("during", [502, 503]),
        expect.recovered(),
        expect.thresholdsHeld(),
      ],
      W,
    );
    assert.equal(rate.query, `sum(increase(${ok}[30s])) / sum(increase(${all}[30s])) >= 0.95`);
    assert.match(rate.note, /end of the fault node/);
    assert.equal(atMost.query, `sum(increase(${ok}[30s])) / sum(increase(${all}[30s])) <= 0.5`);
    assert.equal(p95.query, 'max_over_time(k6_http_req_duration_p95{testid="hs-nf-002-traffic"}[30s]) < 1.5');
    assert.equal(max.query, 'max_over_time(k6_http_req_duration_max{testid="hs-nf-002-traffic"}[3s]) < 5');
    assert.match(max.note, /end of the recovery node/);
    assert.match(
      increase.query ?? "",
      /avg_over_time\(k6_http_req_duration_p95.*\[30s\]\) - avg_over_time.*\[5s\]\) offset 30s\) \* 1000/,
    );
    assert.equal(
      failures.query,
      'sum(increase(k6_http_reqs_total{testid="hs-nf-002-traffic",expected_response="false",status!~"502|503"}[30s])) == 0',
    );
    assert.equal(recovered.query, `sum(increase(${ok}[3s])) / sum(increase(${all}[3s])) >= 0.99`);
    assert.match(recovered.note, /within 15s/);
    assert.equal(thresholds.query, undefined);
    assert.match(thresholds.note, /k6 thresholds stay k6 thresholds/);
  });

  it("lists custom checks as not mapped, even one that throws on empty observations", () => {
    const [custom, throwing] = checkQueries(
      [
        expect.custom("the hive evicts the worker", "within 5 s", () => ({ ok: true, observed: "" })),
        () => {
          throw new Error("needs data");
        },
      ],
      W,
    );
    assert.equal(custom.name, "the hive evicts the worker");
    assert.equal(custom.query, undefined);
    assert.match(custom.note, /not mapped/);
    assert.match(throwing.note, /not mapped/);
    assert.equal(describeCheck(expect.recovered()).name, "recovered after the fault");
  });
});
