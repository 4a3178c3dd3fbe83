import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SampleColumns } from "../../sdk/core/journal.ts";
import { expect, type Observations } from "../../sdk/runner/expect.ts";
import { scenarioWindows } from "../../sdk/runner/phases/windows.ts";

// 100 streams 10 ms apart: before the fault (0-300 ms) TTFT 40 ms, whole; during (300-800 ms) TTFT 400 ms and
// every 10th cut (a reset, or a timeout after a 2 s gap), one 503 that was no stream; after, as before.
function samples(): SampleColumns {
  const t: number[] = [];
  const ttftMs: (number | null)[] = [];
  const itlMaxMs: (number | null)[] = [];
  const cut: (string | null)[] = [];
  const status: number[] = [];
  for (let i = 0; i < 100; i++) {
    t.push(i * 10);
    const during = i >= 30 && i < 80;
    status.push(i === 55 ? 503 : 200);
    ttftMs.push(i === 55 ? null : during ? 400 : 40);
    const c = during && i % 10 === 0 ? (i % 20 === 0 ? "reset" : "timeout") : null;
    cut.push(c);
    itlMaxMs.push(i === 55 ? null : c === "timeout" ? 2000 : 25);
  }
  return {
    t,
    latencyMs: t.map(() => 5),
    status,
    ok: status.map((s, i) => s === 200 && cut[i] === null),
    ttftMs,
    itlMaxMs,
    tokens: status.map((s) => (s === 200 ? 8 : 0)),
    cut,
  };
}

function observations(s: SampleColumns = samples()): Observations {
  const windows = scenarioWindows(s, {
    faultStart: 300,
    faultEnd: 800,
    baselineMs: 300,
    afterStart: 800,
    windowMs: 200,
  });
  return { windows, samples: s, faults: [], data: {} };
}

describe("checks on streaming traffic", () => {
  it("latencyBelow with metric time_to_first_token judges the window's streams, not whole requests", () => {
    const o = observations();
    const before = expect.latencyBelow("before", "p95", 100, { metric: "time_to_first_token" })(o);
    assert.equal(before.ok, true);
    assert.equal(before.name, "p95 time to first token before the fault");
    const during = expect.latencyBelow("during", "p95", 100, { metric: "time_to_first_token" })(o);
    assert.equal(during.ok, false);
    assert.equal(during.observed, "400 ms over 49 streams");
    const gaps = expect.latencyBelow("during", "max", 1000, {
      metric: "longest_token_gap",
      label: "no stall",
    })(o);
    assert.deepEqual([gaps.name, gaps.ok, gaps.observed], ["no stall", false, "2000 ms over 49 streams"]);
    // the whole requests still judge as before
    assert.equal(expect.latencyBelow("during", "p95", 100)(o).ok, true);
  });

  it("cutStreams counts the window's cut streams by kind, within bounds", () => {
    const o = observations();
    const c = expect.cutStreams("during", { max: 2 })(o);
    assert.equal(c.ok, false);
    assert.equal(c.observed, "5 of 49 streams cut (timeout: 3, reset: 2)");
    assert.equal(c.expected, "<= 2 cut streams");
    assert.equal(expect.cutStreams("during", { min: 1, max: 5 })(o).ok, true);
    assert.equal(expect.cutStreams("before", { max: 0 })(o).ok, true);
  });

  it("says so when the traffic did not stream", () => {
    const { ttftMs: _t, itlMaxMs: _i, tokens: _k, cut: _c, ...plain } = samples();
    const o = observations(plain);
    const c = expect.cutStreams("during", { max: 0 })(o);
    assert.equal(c.ok, false);
    assert.match(c.observed, /did not stream/);
    assert.match(
      expect.latencyBelow("during", "p95", 1, { metric: "time_to_first_token" })(o).observed,
      /did not stream/,
    );
  });
});
