// Token charts. A streaming load: tokens/s beside requests/s, time to first token and inter-token latency
// percentiles over time against their thresholds, and cut streams per second. A scenario whose background
// traffic streamed: time to first token and each stream's longest gap over time with the fault windows
// shaded, and the streams cut per second (what the client saw of the fault).
import * as Plot from "@observablehq/plot";
import type { ScenarioResult } from "../core/journal.ts";
import { readLoad } from "./analysis/load-view.ts";
import { relativeMs, scenarioDurationMs } from "./analysis/scenario-windows.ts";
import { readLoadStreams, trafficStreamBuckets, trafficStreamed } from "./analysis/stream-view.ts";
import { bucketEdges, faultMarks, SERIES_COLORS } from "./chart-scenario.ts";
import { fmtMs } from "./format.ts";
import { stackPanels } from "./svg.ts";

const TOKENS = "#4c78a8";
const REQUESTS = "#54a24b";
const CUT = "#e45756";
const LIMIT = "#6f42c1";

/** Limits of the thresholds on one token metric: p(95)<300 → a rule at 300 ms labelled p95. */
function limits(load: unknown, metric: string): { ms: number; label: string; series: string }[] {
  const view = readLoad(load);
  return (view?.thresholds ?? []).flatMap((t) => {
    if (t.metric !== metric) return [];
    const m = /^\s*(p\(([\d.]+)\)|avg|med|max)\s*<=?\s*([\d.]+)\s*$/.exec(t.expression);
    if (!m) return [];
    const series = m[2] ? `p${m[2]}` : m[1];
    return [{ ms: Number(m[3]), label: `${series} limit ${fmtMs(Number(m[3]))}`, series }];
  });
}

const color = (series: string) => (SERIES_COLORS as Record<string, string>)[series] ?? LIMIT;

function percentilePanel(
  label: string,
  points: { t: number; p50: number | null; p95: number | null; p99: number | null }[],
  lims: { ms: number; label: string; series: string }[],
  x: Record<string, unknown>,
) {
  const data = points.flatMap((p) =>
    (["p50", "p95", "p99"] as const).map((series) => ({ t: p.t, ms: p[series], series })),
  );
  return {
    height: 180,
    legend: [
      ...Object.entries(SERIES_COLORS).map(([s, c]) => ({ label: `${label} ${s}`, color: c })),
      ...lims.map((l) => ({ label: l.label, color: color(l.series), dashed: true })),
    ],
    options: {
      marginRight: 40,
      x,
      y: { label: `${label} (ms)`, grid: true, zero: true },
      color: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
      marks: [
        Plot.line(data, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
        ...lims.map((l) =>
          Plot.ruleY([l.ms], {
            stroke: color(l.series),
            strokeDasharray: "6 3",
            ariaDescription: "threshold",
          }),
        ),
      ],
    },
  };
}

/** A streaming load's token chart, or undefined when the load did not stream. */
export function renderLoadTokenChart(load: unknown, title = "tokens"): string | undefined {
  const v = readLoadStreams(load);
  if (!v?.timeline.length) return undefined;
  const last = v.timeline[v.timeline.length - 1];
  const points = [...v.timeline, { ...last, t: last.t + 1 }];
  const x = { label: "seconds from the load's start", grid: true, domain: [0, last.t + 1] };
  const rates = points.flatMap((p) => [
    { t: p.t, v: p.tps, series: "tokens/s" },
    { t: p.t, v: p.rps, series: "requests/s" },
  ]);
  const cut = v.timeline.map((p) => ({ x1: p.t, x2: p.t + 1, n: p.cut }));
  const byCut = Object.entries(v.byCut)
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");
  return stackPanels(title, [
    {
      height: 150,
      legend: [
        { label: "tokens/s", color: TOKENS },
        { label: "requests/s", color: REQUESTS },
      ],
      options: {
        marginRight: 40,
        x,
        y: { label: "per second", grid: true, zero: true },
        color: { domain: ["tokens/s", "requests/s"], range: [TOKENS, REQUESTS] },
        marks: [
          Plot.line(rates, { x: "t", y: "v", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    percentilePanel(
      "time to first token",
      points.map((p) => ({ t: p.t, p50: p.ttftP50, p95: p.ttftP95, p99: p.ttftP99 })),
      limits(load, "time_to_first_token"),
      x,
    ),
    percentilePanel(
      "inter-token latency",
      points.map((p) => ({ t: p.t, p50: p.itlP50, p95: p.itlP95, p99: p.itlP99 })),
      limits(load, "inter_token_latency"),
      x,
    ),
    {
      height: 110,
      legend: [{ label: `cut streams${byCut ? ` (over the load: ${byCut})` : ""}`, color: CUT }],
      options: {
        marginRight: 40,
        x,
        y: { label: "cut streams/s", grid: true, zero: true },
        marks: [Plot.rectY(cut, { x1: "x1", x2: "x2", y: "n", fill: CUT }), Plot.ruleY([0])],
      },
    },
  ]);
}

/** A scenario's streaming traffic over time with its fault windows, or undefined when it did not stream. */
export function renderTrafficTokenChart(scenario: ScenarioResult): string | undefined {
  const s = scenario.samples;
  if (!trafficStreamed(s) || s.t.length === 0) return undefined;
  const endMs = Math.max(scenarioDurationMs(scenario), ...s.t.map((t, i) => t + s.latencyMs[i]));
  const buckets = trafficStreamBuckets(s, bucketEdges(scenario, endMs));
  const endS = endMs / 1000;
  const faults = scenario.faults.map((f) => ({
    x1: relativeMs(scenario, f.appliedAt) / 1000,
    x2: f.revertedAt === undefined ? endS : relativeMs(scenario, f.revertedAt) / 1000,
    label: f.kind,
  }));
  const x = {
    domain: [0, endS],
    label: "seconds from the scenario's start (by each stream's start)",
    grid: true,
  };
  const lastB = buckets[buckets.length - 1];
  const points = [...buckets.map((b) => ({ ...b, t: b.x1 })), { ...lastB, t: endS }];
  const lines = points.flatMap((p) => [
    { t: p.t, ms: p.ttftP50, series: "time to first token p50" },
    { t: p.t, ms: p.ttftP95, series: "time to first token p95" },
    { t: p.t, ms: p.gapP95, series: "longest gap p95" },
  ]);
  const domain = ["time to first token p50", "time to first token p95", "longest gap p95"];
  const range = [SERIES_COLORS.p50, SERIES_COLORS.p95, "#9467bd"];
  const cut = buckets.map((b) => ({ x1: b.x1, x2: b.x2, rate: b.cut / Math.max(0.001, b.x2 - b.x1) }));
  const total = buckets.reduce((n, b) => n + b.cut, 0);
  return stackPanels(`${scenario.id}: streams of the background traffic`, [
    {
      height: 220,
      legend: domain.map((label, i) => ({ label, color: range[i] })),
      options: {
        marginRight: 40,
        x,
        y: { label: "ms", grid: true, zero: true },
        color: { domain, range },
        marks: [
          ...faultMarks(faults),
          Plot.line(lines, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    {
      height: 110,
      legend: [{ label: `cut streams (${total} in all)`, color: CUT }],
      options: {
        marginRight: 40,
        x,
        y: { label: "cut streams/s", grid: true, zero: true },
        marks: [
          ...faultMarks(faults, false),
          Plot.rectY(cut, { x1: "x1", x2: "x2", y: "rate", fill: CUT }),
          Plot.ruleY([0]),
        ],
      },
    },
  ]);
}
