import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { SampleColumns } from "../../sdk/core/journal.ts";
import { writeJournal } from "../../sdk/core/journal.ts";
import {
  compareRuns,
  loadRun,
  percentile,
  readLoad,
  scenarioWindowStats,
  scenarioWindows,
  timeline,
  timeToRecover,
  windowStats,
} from "../../sdk/report/analysis.ts";
import { buildJournal, chaosScenario, failedScenario, loadResult, loadScenario, T0 } from "./fixtures.ts";

function columns(rows: [t: number, latency: number, status: number][]): SampleColumns {
  return {
    t: rows.map((r) => r[0]),
    latencyMs: rows.map((r) => r[1]),
    status: rows.map((r) => r[2]),
    ok: rows.map((r) => r[2] >= 200 && r[2] < 400),
  };
}

const close = (actual: number | null, expected: number) =>
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `expected ${expected}, found ${actual}`);

describe("percentile", () => {
  test("linear interpolation between order statistics (type 7)", () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    close(percentile(sorted, 0.5), 55); // index 4.5
    close(percentile(sorted, 0.95), 95.5); // index 8.55
    close(percentile(sorted, 0.99), 99.1); // index 8.91
    close(percentile(sorted, 0), 10);
    close(percentile(sorted, 1), 100);
    assert.equal(percentile([], 0.5), null);
    assert.equal(percentile([7], 0.99), 7);
  });
});

describe("windowStats", () => {
  // Latencies 10..100 in shuffled order, one failure (status 0, the slowest), one 503.
  const samples = columns([
    [0, 50, 200],
    [10, 10, 200],
    [20, 100, 0],
    [30, 20, 200],
    [40, 90, 503],
    [50, 30, 200],
    [60, 80, 200],
    [70, 40, 200],
    [80, 70, 200],
    [90, 60, 200],
    [100, 1000, 200],
  ]);

  test("percentiles over all requests of [start, end), failed ones included", () => {
    const w = windowStats(samples, 0, 100);
    assert.equal(w.requests, 10);
    assert.equal(w.ok, 8);
    assert.equal(w.failed, 2);
    close(w.errorRate, 0.2);
    close(w.p50, 55);
    close(w.p95, 95.5);
    close(w.p99, 99.1);
    assert.equal(w.max, 100); // the failed request's latency
    assert.deepEqual(w.byStatus, { "0": 1, "200": 8, "503": 1 });
    assert.deepEqual(Object.keys(w.byStatus), ["0", "200", "503"]);
    assert.equal(w.start, 0);
    assert.equal(w.end, 100);
  });

  test("start is inclusive, end exclusive", () => {
    assert.equal(windowStats(samples, 10, 20).requests, 1);
    assert.equal(windowStats(samples, 10, 20).max, 10);
    assert.equal(windowStats(samples, 100, 101).max, 1000);
  });

  test("an empty window has zero counts and null percentiles, never NaN", () => {
    for (const w of [windowStats(samples, 5000, 6000), windowStats(undefined, 0, 10)]) {
      assert.equal(w.requests, 0);
      assert.equal(w.errorRate, 0);
      assert.equal(w.p50, null);
      assert.equal(w.p95, null);
      assert.equal(w.p99, null);
      assert.equal(w.max, null);
      assert.deepEqual(w.byStatus, {});
      assert.ok(!JSON.stringify(w).includes("NaN"));
    }
  });

  test("the fixture's fault window: 100 requests at 500..509 ms, every 5th failed", () => {
    const s = chaosScenario();
    const w = windowStats(s.samples, 10_000, 20_000);
    assert.equal(w.requests, 100);
    assert.equal(w.failed, 20);
    close(w.p50, 504.5);
    close(w.p95, 509);
    assert.equal(w.max, 509);
    assert.deepEqual(w.byStatus, { "0": 20, "200": 80 });
  });
});

describe("timeline", () => {
  const samples = columns([
    [0, 10, 200],
    [400, 30, 200],
    [999, 20, 503],
    [2500, 5, 200],
  ]);

  test("one point per bucket, empty buckets kept with nulls", () => {
    const points = timeline(samples, 1000);
    assert.equal(points.length, 3);
    assert.deepEqual(
      points.map((p) => [p.t, p.requests, p.errors, p.max]),
      [
        [0, 3, 1, 30],
        [1000, 0, 0, null],
        [2000, 1, 0, 5],
      ],
    );
    close(points[0].p50, 20);
    close(points[0].p95, 29);
    assert.equal(points[1].p95, null);
  });

  test("an explicit range pads and clips", () => {
    const points = timeline(samples, 500, { start: 500, end: 3000 });
    assert.deepEqual(
      points.map((p) => [p.t, p.requests]),
      [
        [500, 1],
        [1000, 0],
        [1500, 0],
        [2000, 0],
        [2500, 1],
      ],
    );
    assert.deepEqual(timeline(undefined, 1000), []);
    assert.throws(() => timeline(samples, 0), RangeError);
  });
});

describe("timeToRecover", () => {
  test("the fixture recovers at the first request of the first clean 2 s window", () => {
    const s = chaosScenario();
    // Failures (503 on even requests) until t = 21800; the first window with none starts at 21900.
    assert.equal(timeToRecover(s.samples, 20_000, { window: 2000, minSuccessRate: 0.99 }), 1900);
    assert.equal(s.recovery?.timeToRecoverMs, 1900);
    // A 90% bar allows 2 failures in 20: the window from 21500 holds only those at 21600 and 21800.
    assert.equal(timeToRecover(s.samples, 20_000, { window: 2000, minSuccessRate: 0.9 }), 1500);
    assert.equal(timeToRecover(s.samples, 20_000, { window: "2s", minSuccessRate: 0 }), 0);
  });

  test("never recovering gives null; so does a window longer than the observation", () => {
    const s = failedScenario(); // errors until the end
    assert.equal(timeToRecover(s.samples, 20_000, { window: 2000, minSuccessRate: 0.99 }), null);
    const ok = chaosScenario();
    assert.equal(timeToRecover(ok.samples, 20_000, { window: 20_000, minSuccessRate: 0.5 }), null);
    assert.equal(timeToRecover(undefined, 0, { window: 1000, minSuccessRate: 0.5 }), null);
  });

  test("maxP95 holds recovery back until latency is low too", () => {
    const rows: [number, number, number][] = [];
    for (let t = 0; t < 10_000; t += 100) rows.push([t, t < 4000 ? 800 : 20, 200]);
    const samples = columns(rows);
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1 }), 0);
    // Windows of 10 requests: one slow request (at the top, index 9) gives p95 = 20 + 0.55 * 780 = 449.
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1, maxP95: 100 }), 4000);
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1, maxP95: 500 }), 3900);
  });

  test("windows with too few requests prove nothing", () => {
    const samples = columns([
      [0, 10, 200],
      [500, 10, 200],
      [3000, 10, 200],
      [3100, 10, 200],
      [3200, 10, 200],
      [5000, 10, 200],
    ]);
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1, minRequests: 3 }), 3000);
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1 }), null);
    assert.equal(timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1, minRequests: 2 }), 0);
    // The window must fit before endMs.
    assert.equal(
      timeToRecover(samples, 0, { window: 1000, minSuccessRate: 1, minRequests: 3, endMs: 3500 }),
      null,
    );
  });

  test("requests starting at the same instant are judged in one window", () => {
    // The failure at t = 0 sorts first; a window anchored at its twin must not leave it out.
    const samples = columns([
      [0, 10, 503],
      [0, 10, 200],
      [100, 10, 200],
      [200, 10, 200],
      [300, 10, 200],
      [400, 10, 200],
      [500, 10, 200],
      [600, 10, 200],
    ]);
    assert.equal(timeToRecover(samples, 0, { window: 500, minSuccessRate: 1, minRequests: 3 }), 100);
  });

  test("a zero window is refused", () => {
    assert.throws(() => timeToRecover(columns([]), 0, { window: 0, minSuccessRate: 1 }), /recovery window/);
  });
});

describe("scenarioWindows", () => {
  test("before/during/after from phases and fault windows", () => {
    assert.deepEqual(scenarioWindows(chaosScenario()), {
      before: { start: 0, end: 10_000 },
      during: { start: 10_000, end: 20_000 },
      after: { start: 20_000, end: 30_000 },
    });
  });

  test("the fault window wins over the fault phase; an unreverted fault lasts to the phase's end", () => {
    const s = chaosScenario();
    // Epoch times (hand-written journals) are read as well as times relative to the scenario's start.
    s.faults = [
      { ...s.faults[0], appliedAt: T0 + 11_000, revertedAt: T0 + 15_000 },
      { ...s.faults[0], appliedAt: T0 + 12_000, revertedAt: undefined },
    ];
    const w = scenarioWindows(s);
    assert.deepEqual(w.during, { start: 11_000, end: 20_000 });
    assert.deepEqual(w.before, { start: 0, end: 10_000 });
    s.faults = [{ ...s.faults[0], appliedAt: 11_000, revertedAt: 15_000 }]; // as the runner writes them
    assert.deepEqual(scenarioWindows(s).during, { start: 11_000, end: 15_000 });
    assert.deepEqual(scenarioWindows(s).after, { start: 15_000, end: 30_000 });
  });

  test("no fault: the whole scenario is 'before'", () => {
    const s = loadScenario();
    assert.deepEqual(scenarioWindows(s), { before: { start: 0, end: 10_000 } });
  });

  test("scenarioWindowStats computes from samples when the journal has no windows", () => {
    const s = chaosScenario();
    const stored = s.windows;
    s.windows = {};
    assert.deepEqual(scenarioWindowStats(s), stored);
  });
});

describe("compareRuns", () => {
  test("new failures, fixes, and deltas per window, recovery and load", () => {
    const base = buildJournal([
      { ...failedScenario(), verdict: "passed", reason: "ok" },
      chaosScenario({ id: "NF-001" }),
      { ...chaosScenario({ id: "NF-003" }), verdict: "failed" },
      loadScenario(),
      chaosScenario({ id: "GONE" }),
    ]);
    const slower = chaosScenario({ id: "NF-001", lingerMs: 4000 });
    const headLoad = loadScenario();
    headLoad.load = { ...(headLoad.load as object), throughput: 160, latency: { p95: 60, p99: 90 } };
    const head = buildJournal(
      [
        failedScenario(),
        slower,
        chaosScenario({ id: "NF-003" }),
        headLoad,
        { ...failedScenario(), id: "NEW" },
      ],
      "head",
    );
    const c = compareRuns(base, head);
    assert.equal(c.head, "head");
    assert.deepEqual(c.newFailures, ["WC-001", "NEW"]);
    assert.deepEqual(c.fixed, ["NF-003"]);
    const byId = Object.fromEntries(c.scenarios.map((s) => [s.id, s]));
    assert.equal(byId["WC-001"].change, "new-failure");
    assert.equal(byId.NEW.change, "added");
    assert.equal(byId.GONE.change, "removed");
    assert.equal(byId.GONE.head, null);
    assert.equal(byId["LOAD-inference"].change, "unchanged");

    // Linger 2 s → 4 s: 10 more failed of 100 after the revert, recovery 2 s later.
    const nf1 = byId["NF-001"];
    close(nf1.windows.after!.errorRate.delta, 0.1);
    assert.deepEqual(nf1.timeToRecoverMs, { base: 1900, head: 3900, delta: 2000 });
    assert.equal(nf1.windows.during!.p95.delta, 0);

    const load = byId["LOAD-inference"].load!;
    assert.deepEqual(load.throughput, { base: 145, head: 160, delta: 15 });
    close(load.p95.delta, 60 - 52.125);
    close(load.p99.delta, 90 - 99.5);
  });
});

describe("loadRun", () => {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-report-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("from a run directory, its results.json, a latest symlink or a latest text file", () => {
    const journal = buildJournal(undefined, "run-1");
    writeJournal(join(dir, "run-1", "results.json"), journal);
    assert.equal(loadRun(join(dir, "run-1")).runId, "run-1");
    assert.equal(loadRun(join(dir, "run-1", "results.json")).scenarios.length, 5);
    symlinkSync("run-1", join(dir, "latest"));
    assert.equal(loadRun(join(dir, "latest")).runId, "run-1");
    mkdirSync(join(dir, "other"));
    writeFileSync(join(dir, "other", "latest"), "../run-1\n");
    assert.equal(loadRun(join(dir, "other", "latest")).runId, "run-1");
  });

  test("a file that is not a journal gets one error naming it", () => {
    writeFileSync(join(dir, "bad.json"), '{"schema":"other@1"}');
    assert.throws(() => loadRun(join(dir, "bad.json")), /bad\.json is invalid \(3 problems\)/);
  });
});

describe("readLoad", () => {
  test("reads sdk/load's result and tolerates older or partial shapes", () => {
    const view = readLoad(loadResult())!;
    assert.equal(view.latency.p999, 180);
    assert.equal(view.throughput, 145);
    assert.deepEqual(view.totals.checks, { passes: 1440, fails: 7 });
    assert.equal(view.timeline[2].users, 40);
    const partial = readLoad({
      latency: { "p99.9": 7 },
      timeline: [{ t: 0, targetRate: 50, requests: 0, errors: 0, rps: 0, p50: 0, p95: 0, p99: 0 }],
    })!;
    assert.equal(partial.latency.p999, 7);
    assert.equal(partial.latency.p50, null);
    assert.equal(partial.throughput, null);
    // A second without requests has no latency (the engine writes 0 there).
    assert.deepEqual([partial.timeline[0].rate, partial.timeline[0].p95], [50, null]);
    assert.equal(readLoad(undefined), undefined);
    assert.equal(readLoad("nonsense"), undefined);
  });
});
