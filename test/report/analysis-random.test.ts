// The analysis functions against slow, obviously-correct reimplementations on seeded random traffic:
// unsorted starts, ties, bursts of failures and of slow requests.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { SampleColumns } from "../../sdk/core/journal.ts";
import { timeline, timeToRecover, windowStats } from "../../sdk/report/analysis.ts";

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomSamples(seed: number, n: number): SampleColumns {
  const r = prng(seed);
  const s: SampleColumns = { t: [], latencyMs: [], status: [], ok: [] };
  for (let i = 0; i < n; i++) {
    const t = Math.floor(r() * 2000) * 10; // many ties
    const bad = t > 8000 && t < 12_000 + r() * 2000;
    const status = bad && r() < 0.5 ? (r() < 0.5 ? 0 : 503) : 200;
    s.t.push(t);
    s.latencyMs.push(Math.round((bad ? 200 + r() * 800 : 5 + r() * 30) * 1000) / 1000);
    s.status.push(status);
    s.ok.push(status === 200);
  }
  return s;
}

// Type 7 by its definition, not through simple-statistics.
function type7(values: number[], p: number): number | null {
  if (!values.length) return null;
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  return x[lo] + (h - lo) * ((x[Math.min(lo + 1, x.length - 1)] ?? x[lo]) - x[lo]);
}

function inWindow(s: SampleColumns, a: number, b: number): number[] {
  return s.t.flatMap((t, i) => (t >= a && t < b ? [i] : []));
}

function bruteTtr(
  s: SampleColumns,
  from: number,
  c: { window: number; minSuccessRate: number; maxP95?: number; minRequests?: number },
): number | null {
  const starts = [...new Set(s.t.filter((t) => t >= from))].sort((a, b) => a - b);
  const end = starts[starts.length - 1];
  for (const start of starts) {
    if (start + c.window > end) break;
    const idx = inWindow(s, start, start + c.window);
    if (idx.length < (c.minRequests ?? 5)) continue;
    if (idx.filter((i) => s.ok[i]).length / idx.length < c.minSuccessRate) continue;
    if (
      c.maxP95 !== undefined &&
      type7(
        idx.map((i) => s.latencyMs[i]),
        0.95,
      )! > c.maxP95
    )
      continue;
    return start - from;
  }
  return null;
}

const close = (a: number | null, b: number | null, what: string) =>
  assert.ok(
    (a === null && b === null) || (a !== null && b !== null && Math.abs(a - b) < 1e-9),
    `${what}: ${a} vs ${b}`,
  );

test("windowStats and timeline agree with the definitions on random traffic", () => {
  for (const seed of [1, 2, 3]) {
    const s = randomSamples(seed, 1500);
    for (const [a, b] of [
      [0, 8000],
      [8000, 12_000],
      [12_000, 20_000],
      [19_990, 30_000],
      [5, 6],
    ]) {
      const w = windowStats(s, a, b);
      const idx = inWindow(s, a, b);
      const lat = idx.map((i) => s.latencyMs[i]);
      assert.equal(w.requests, idx.length);
      assert.equal(w.failed, idx.filter((i) => !s.ok[i]).length);
      for (const p of [0.5, 0.95, 0.99] as const)
        close(w[`p${Math.round(p * 100)}` as "p50"], type7(lat, p), `seed ${seed} [${a},${b}) p${p}`);
      close(w.max, lat.length ? Math.max(...lat) : null, "max");
    }
    const points = timeline(s, 1000);
    assert.equal(
      points.reduce((n, p) => n + p.requests, 0),
      1500,
    );
    for (const p of points) {
      const w = windowStats(s, p.t, p.t + 1000);
      assert.deepEqual([p.requests, p.errors, p.p95], [w.requests, w.failed, w.p95]);
    }
  }
});

test("timeToRecover agrees with a brute-force search on random traffic", () => {
  let found = 0;
  for (const seed of [4, 5, 6, 7]) {
    const s = randomSamples(seed, 1200);
    for (const c of [
      { window: 1000, minSuccessRate: 0.99 },
      { window: 2000, minSuccessRate: 0.9 },
      { window: 1000, minSuccessRate: 0.95, maxP95: 100 },
      { window: 500, minSuccessRate: 1, maxP95: 30, minRequests: 10 },
      { window: 15_000, minSuccessRate: 0.99 },
    ]) {
      for (const from of [8000, 10_000, 12_000]) {
        const expected = bruteTtr(s, from, c);
        if (expected !== null) found++;
        assert.equal(timeToRecover(s, from, c), expected, `seed ${seed} from ${from} ${JSON.stringify(c)}`);
      }
    }
  }
  assert.ok(found > 20, "most cases do recover, so the comparison is not all nulls");
});
