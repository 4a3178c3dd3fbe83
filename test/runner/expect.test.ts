import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WindowStats } from "../../sdk/core/journal.ts";
import { expect, type Observations } from "../../sdk/runner/expect.ts";

const w = (p: Partial<WindowStats>): WindowStats => ({
  start: 0,
  end: 1000,
  requests: 100,
  ok: 100,
  failed: 0,
  errorRate: 0,
  p50: 100,
  p95: 200,
  p99: 300,
  max: 400,
  byStatus: { "200": 100 },
  ...p,
});
const obs = (windows: Observations["windows"], extra: Partial<Observations> = {}): Observations => ({
  windows,
  samples: { t: [], latencyMs: [], status: [], ok: [] },
  faults: [],
  data: {},
  ...extra,
});

describe("checks", () => {
  it("successRate holds at the bound and fails below it, and with no requests", () => {
    assert.equal(expect.successRate("during", 0.99)(obs({ during: w({ ok: 99 }) })).ok, true);
    const r = expect.successRate("during", 0.99)(obs({ during: w({ ok: 98, failed: 2 }) }));
    assert.equal(r.ok, false);
    assert.equal(r.observed, "98% of 100");
    assert.equal(expect.successRate("during", 0.5)(obs({ during: w({ requests: 0, ok: 0 }) })).ok, false);
  });
  it("latencyIncrease compares against the baseline", () => {
    const c = expect.latencyIncrease("during", "p95", { min: 350, max: 1000 });
    assert.equal(c(obs({ before: w({ p95: 200 }), during: w({ p95: 750 }) })).ok, true);
    assert.equal(c(obs({ before: w({ p95: 200 }), during: w({ p95: 300 }) })).ok, false);
    assert.equal(c(obs({ before: w({ p95: 200 }), during: w({ p95: 1300 }) })).ok, false);
    assert.equal(c(obs({ during: w({ p95: 700 }) })).ok, false, "no baseline, no verdict");
  });
  it("failuresAnsweredWith rejects hangs and resets (status 0) and needs failures", () => {
    const c = expect.failuresAnsweredWith("during", [502, 503, 504]);
    assert.equal(c(obs({ during: w({ failed: 5, byStatus: { "200": 95, "504": 5 } }) })).ok, true);
    const hung = c(obs({ during: w({ failed: 5, byStatus: { "200": 95, "0": 3, "504": 2 } }) }));
    assert.equal(hung.ok, false);
    assert.match(hung.observed, /no answer: 3/);
    assert.equal(c(obs({ during: w({}) })).ok, false, "a partition nobody noticed did not bite");
  });
  it("recovered reads the recovery record", () => {
    const rec = { deadlineMs: 15000, recovered: true, timeToRecoverMs: 1200, criterion: "99%" };
    assert.equal(expect.recovered()(obs({}, { recovery: rec })).ok, true);
    assert.equal(
      expect.recovered()(obs({}, { recovery: { ...rec, recovered: false, timeToRecoverMs: null } })).ok,
      false,
    );
  });
  it("custom turns a thrown error into a failed check", () => {
    const c = expect.custom("x", "y", () => {
      throw new Error("boom");
    });
    assert.deepEqual(c(obs({})), { name: "x", expected: "y", ok: false, observed: "check failed: boom" });
  });
});
