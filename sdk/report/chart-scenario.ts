// A scenario's chart: latency percentiles over time with the fault windows shaded, the recovery instant and
// the deadline marked, and under it the responses by status. A request is drawn when its outcome was known (its
// start plus its latency: a request sent just before the fault and cut by it failed during the fault), and
// buckets never straddle a fault's edge (they are cut at every apply and revert), so a jump is drawn where it
// happened, not up to a second before the shading.
import * as Plot from "@observablehq/plot";
import type { SampleColumns, ScenarioResult } from "../core/journal.ts";
import { latencySummary } from "./analysis/percentiles.ts";
import { relativeMs, scenarioDurationMs } from "./analysis/scenario-windows.ts";
import { STATUS_COLOR, statusClass, statusLegend } from "./chart-status.ts";
import { fmtDuration } from "./format.ts";
import { type LegendEntry, stackPanels } from "./svg.ts";

export const SERIES_COLORS = { p50: "#1f77b4", p95: "#ff7f0e", p99: "#d62728" } as const;
export const LATENCY_LEGEND: LegendEntry[] = Object.entries(SERIES_COLORS).map(([label, color]) => ({
  label: `latency ${label}`,
  color,
}));
const FAULT_FILL = "#e45756";
const MARKER = "#2b6cb0";
const X_LABEL = "seconds from the scenario's start";

interface FaultSpan {
  x1: number;
  x2: number;
  label: string;
}

interface Bucket {
  x1: number;
  x2: number;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  byClass: Record<string, number>;
}

/** The scenario's chart, or undefined when it has no traffic to draw (skipped, errored early, no samples). */
export function renderScenarioChart(scenario: ScenarioResult): string | undefined {
  const buckets = scenario.samples?.t.length
    ? sampleBuckets(scenario, scenario.samples)
    : timelineBuckets(scenario);
  if (!buckets.some((b) => b.requests > 0)) return undefined;
  const endS = Math.max(scenarioDurationMs(scenario) / 1000, buckets[buckets.length - 1].x2);
  const faults: FaultSpan[] = scenario.faults.map((f) => ({
    x1: relativeMs(scenario, f.appliedAt) / 1000,
    x2: f.revertedAt === undefined ? endS : relativeMs(scenario, f.revertedAt) / 1000,
    label: f.kind,
  }));
  // Each bucket's value held over [x1, x2): a step drawn from its start, the last one repeated at its end.
  const points = [...buckets.map((b) => ({ ...b, t: b.x1 })), { ...buckets[buckets.length - 1], t: endS }];
  const latency = points.flatMap((p) =>
    (["p50", "p95", "p99"] as const).map((series) => ({ t: p.t, ms: p[series], series })),
  );
  const statuses = buckets.flatMap((b) =>
    Object.entries(b.byClass).map(([cls, n]) => ({
      x1: b.x1,
      x2: b.x2,
      cls,
      rate: n / Math.max(0.001, b.x2 - b.x1),
    })),
  );
  const x = { domain: [0, endS], label: X_LABEL, grid: true };
  const markers = recoveryMarkers(scenario, endS);
  // Headroom above the highest line: the fault labels sit there, one row per fault, never on a line.
  const top = Math.max(1, ...latency.map((p) => p.ms ?? 0));
  const headroom = 1 + 0.12 * Math.max(1, faults.length);
  const statusPanel = statuses.length
    ? {
        height: 150,
        legend: statusLegend(statuses.map((s) => s.cls)),
        options: {
          marginRight: 40,
          x,
          y: { label: "responses/s by status", grid: true, zero: true },
          color: STATUS_COLOR,
          marks: [
            ...faultMarks(faults, false),
            Plot.rectY(statuses, { x1: "x1", x2: "x2", y: "rate", fill: "cls", order: STATUS_COLOR.domain }),
            Plot.ruleY([0]),
          ],
        },
      }
    : errorPanel(points, faults, x);
  return stackPanels(`${scenario.id}: ${scenario.name}`, [
    {
      height: 280,
      legend: [...LATENCY_LEGEND, ...markers.legend],
      options: {
        marginRight: 40,
        x,
        y: { label: "latency (ms)", grid: true, domain: [0, top * headroom], nice: true },
        color: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
        marks: [
          ...faultMarks(faults),
          Plot.line(latency, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
          ...markers.marks,
        ],
      },
    },
    statusPanel,
  ]);
}

// Without per-request samples: the error rate per bucket of the journal's timeline.
function errorPanel(
  points: (Bucket & { t: number })[],
  faults: FaultSpan[],
  x: Record<string, unknown>,
): { height: number; legend: LegendEntry[]; options: Plot.PlotOptions } {
  const errors = points.map((p) => ({ t: p.t, pct: p.requests ? (100 * p.errors) / p.requests : null }));
  return {
    height: 150,
    legend: [{ label: "failed requests (%)", color: FAULT_FILL }],
    options: {
      marginRight: 40,
      x,
      y: { label: "errors (%)", domain: [0, 100], grid: true },
      marks: [
        ...faultMarks(faults, false),
        Plot.areaY(errors, { x: "t", y: "pct", fill: FAULT_FILL, fillOpacity: 0.25, curve: "step-after" }),
        Plot.line(errors, { x: "t", y: "pct", stroke: FAULT_FILL, strokeWidth: 1.5, curve: "step-after" }),
      ],
    },
  };
}

/** Bucket edges: 0, every fault's apply and revert, the end; each stretch cut into equal pieces of at most 1 s. */
export function bucketEdges(scenario: ScenarioResult, endMs: number, stepMs = 1000): number[] {
  const cuts = new Set([0, endMs]);
  for (const f of scenario.faults) {
    for (const at of [f.appliedAt, f.revertedAt]) {
      if (at === undefined) continue;
      const t = relativeMs(scenario, at);
      if (t > 0 && t < endMs) cuts.add(t);
    }
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const edges: number[] = [sorted[0]];
  for (let i = 1; i < sorted.length; i++) {
    const from = sorted[i - 1];
    const pieces = Math.max(1, Math.ceil((sorted[i] - from) / stepMs - 1e-9));
    for (let k = 1; k <= pieces; k++) edges.push(from + ((sorted[i] - from) * k) / pieces);
  }
  return edges;
}

function sampleBuckets(scenario: ScenarioResult, samples: SampleColumns): Bucket[] {
  const done = samples.t.map((t, i) => t + samples.latencyMs[i]);
  let last = 0;
  for (const t of done) if (t > last) last = t;
  const endMs = Math.max(scenarioDurationMs(scenario), last + 1);
  const edges = bucketEdges(scenario, endMs);
  const groups: number[][] = edges.slice(1).map(() => []);
  for (let i = 0; i < done.length; i++) {
    let lo = 0;
    let hi = edges.length - 1;
    // The last edge whose start is <= the request's end (edges ascend).
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= done[i]) lo = mid;
      else hi = mid;
    }
    groups[lo]?.push(i);
  }
  return groups.map((idx, k) => {
    const byClass: Record<string, number> = {};
    for (const i of idx) {
      const cls = statusClass(samples.status[i]);
      byClass[cls] = (byClass[cls] ?? 0) + 1;
    }
    const summary = latencySummary(idx.map((i) => samples.latencyMs[i]));
    return {
      x1: edges[k] / 1000,
      x2: edges[k + 1] / 1000,
      requests: idx.length,
      errors: idx.filter((i) => !samples.ok[i]).length,
      p50: summary.p50,
      p95: summary.p95,
      p99: summary.p99,
      byClass,
    };
  });
}

function timelineBuckets(scenario: ScenarioResult): Bucket[] {
  const t = scenario.timeline;
  const step = t.length > 1 ? t[1].t - t[0].t : 1000;
  return t.map((p) => ({
    x1: p.t / 1000,
    x2: (p.t + step) / 1000,
    requests: p.requests,
    errors: p.errors,
    p50: p.p50,
    p95: p.p95,
    p99: p.p99,
    byClass: {},
  }));
}

// The instant the service met its steady state again, and the deadline it had (when it falls on the chart).
function recoveryMarkers(s: ScenarioResult, endS: number): { marks: Plot.Markish[]; legend: LegendEntry[] } {
  const r = s.recovery;
  const reverted = s.faults.map((f) => f.revertedAt).filter((t): t is number => t !== undefined);
  if (!r || !reverted.length) return { marks: [], legend: [] };
  const revertS = relativeMs(s, Math.max(...reverted)) / 1000;
  const marks: Plot.Markish[] = [];
  const legend: LegendEntry[] = [];
  if (r.timeToRecoverMs !== null) {
    const at = revertS + r.timeToRecoverMs / 1000;
    marks.push(
      Plot.ruleX([at], { stroke: MARKER, strokeWidth: 1.5, ariaDescription: "recovered" }),
      Plot.text([at], {
        x: (d: number) => d,
        text: () => `recovered ${fmtDuration(r.timeToRecoverMs)} after the revert`,
        frameAnchor: "bottom",
        textAnchor: "start",
        dx: 4,
        dy: -4,
        fill: MARKER,
        ariaDescription: "recovered label",
      }),
    );
    legend.push({ label: "recovered", color: MARKER });
  }
  const deadline = revertS + r.deadlineMs / 1000;
  if (deadline <= endS) {
    marks.push(
      Plot.ruleX([deadline], { stroke: "#222", strokeDasharray: "4 3", ariaDescription: "deadline" }),
    );
    legend.push({ label: `recovery deadline (${fmtDuration(r.deadlineMs)})`, color: "#222", dashed: true });
  } else
    legend.push({
      label: `recovery deadline ${fmtDuration(r.deadlineMs)} after the revert (beyond this chart)`,
      color: "#222",
      dashed: true,
    });
  return { marks, legend };
}

/** Shaded fault windows; labels stacked one per row so that overlapping windows never overwrite each other. */
export function faultMarks(faults: FaultSpan[], labelled = true): Plot.Markish[] {
  if (!faults.length) return [];
  const marks: Plot.Markish[] = [
    Plot.rect(faults, {
      x1: "x1",
      x2: "x2",
      fill: FAULT_FILL,
      fillOpacity: 0.15,
      className: "fault-window",
      ariaDescription: "fault window",
    }),
  ];
  if (labelled)
    faults.forEach((f, i) => {
      marks.push(
        Plot.text([f], {
          x: "x1",
          text: (d: FaultSpan) => `fault: ${d.label}`,
          frameAnchor: "top",
          textAnchor: "start",
          dx: 3,
          dy: 3 + 13 * i,
          fill: FAULT_FILL,
          ariaDescription: "fault label",
        }),
      );
    });
  return marks;
}
