// A load's charts: users (or target rate) as run and as planned, requests/s, latency percentiles against the
// latency thresholds, and the responses per second (ok, failed by status); and the latency distribution.
import * as Plot from "@observablehq/plot";
import { latencyHistogram } from "./analysis/latency-histogram.ts";
import { type LoadView, readLoad } from "./analysis/load-view.ts";
import { readLoadStreams } from "./analysis/stream-view.ts";
import { LATENCY_LEGEND, SERIES_COLORS } from "./chart-scenario.ts";
import { fmtMs } from "./format.ts";
import { type LegendEntry, stackPanels } from "./svg.ts";

const LIMIT_COLOR = "#6f42c1";

interface LatencyLimit {
  series: string;
  ms: number;
  label: string;
}

/** Latency limits of the thresholds on http_req_duration (p(95)<500 → a rule at 500 ms labelled p95). */
export function latencyLimits(view: LoadView): LatencyLimit[] {
  return view.thresholds.flatMap((t) => {
    if (!/duration|waiting/.test(t.metric)) return [];
    const m = /^\s*(p\(([\d.]+)\)|avg|med|max)\s*<=?\s*([\d.]+)\s*$/.exec(t.expression);
    if (!m) return [];
    const series = m[2] ? `p${m[2]}` : m[1];
    return [{ series, ms: Number(m[3]), label: `${series} limit ${fmtMs(Number(m[3]))}` }];
  });
}

/** The load chart, or undefined without a timeline. */
export function renderLoadChart(load: unknown, title = "load"): string | undefined {
  const view = readLoad(load);
  if (!view?.timeline.length) return undefined;
  // Each point measures the second [t, t + 1): drawn as steps, the last one repeated at its end.
  const last = view.timeline[view.timeline.length - 1];
  const points = [...view.timeline, { ...last, t: last.t + 1 }];
  const planned = plannedLevel(view);
  const endS = Math.max(last.t + 1, planned.at(-1)?.t ?? 0);
  const x = { label: "seconds from the load's start", grid: true, domain: [0, endS] };
  const closed = view.model !== "open" && points.some((p) => p.users !== null);
  const level = points.map((p) => ({ t: p.t, v: closed ? p.users : p.rate }));
  const latency = points.flatMap((p) =>
    (["p50", "p95", "p99"] as const).map((series) => ({ t: p.t, ms: p[series], series })),
  );
  const rps = points.map((p) => ({ t: p.t, rps: p.rps ?? p.requests }));
  const limits = latencyLimits(view);
  const responses = view.timeline.flatMap((p) => [
    { x1: p.t, x2: p.t + 1, kind: "ok", n: Math.max(0, p.requests - p.errors) },
    { x1: p.t, x2: p.t + 1, kind: "failed", n: p.errors },
  ]);
  const levelLabel = closed ? "virtual users" : "target rate (req/s)";
  return stackPanels(title, [
    {
      height: 150,
      legend: [
        { label: closed ? "users (sampled each second)" : "target rate", color: "#4c78a8" },
        ...(planned.length ? [{ label: "as planned", color: "#888", dashed: true }] : []),
      ],
      options: {
        marginRight: 40,
        x,
        y: { label: levelLabel, grid: true, zero: true },
        marks: [
          Plot.line(planned, {
            x: "t",
            y: "v",
            stroke: "#888",
            strokeDasharray: "5 3",
            ariaDescription: "planned",
          }),
          Plot.line(level, { x: "t", y: "v", stroke: "#4c78a8", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    {
      height: 130,
      legend: [{ label: "requests/s", color: "#54a24b" }],
      options: {
        marginRight: 40,
        x,
        y: { label: "requests/s", grid: true, zero: true },
        marks: [
          Plot.line(rps, { x: "t", y: "rps", stroke: "#54a24b", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    {
      height: 220,
      legend: [
        ...LATENCY_LEGEND,
        ...limits.map((l) => ({ label: l.label, color: limitColor(l.series), dashed: true })),
      ],
      options: {
        marginRight: 40,
        x,
        y: { label: "latency (ms)", grid: true, zero: true },
        color: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
        marks: [
          Plot.line(latency, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
          ...limits.map((l) =>
            Plot.ruleY([l.ms], {
              stroke: limitColor(l.series),
              strokeDasharray: "6 3",
              strokeWidth: 1.5,
              ariaDescription: "threshold",
            }),
          ),
        ],
      },
    },
    {
      height: 130,
      legend: [
        { label: "ok", color: "#54a24b" },
        { label: `failed${failedBreakdown(view, readLoadStreams(load)?.byCut)}`, color: "#e45756" },
      ],
      options: {
        marginRight: 40,
        x,
        y: { label: "responses/s", grid: true, zero: true },
        color: { domain: ["ok", "failed"], range: ["#54a24b", "#e45756"] },
        marks: [Plot.rectY(responses, { x1: "x1", x2: "x2", y: "n", fill: "kind", order: ["ok", "failed"] })],
      },
    },
  ]);
}

/** The latency distribution of every request of the load (its HdrHistogram), or undefined without one. */
export function renderLatencyHistogram(load: unknown, title = "latency distribution"): string | undefined {
  const view = readLoad(load);
  if (!view?.histogram) return undefined;
  const bins = latencyHistogram(view.histogram);
  if (!bins.length) return undefined;
  const l = view.latency;
  const pct = [
    { series: "p50", ms: l.p50 },
    { series: "p95", ms: l.p95 },
    { series: "p99", ms: l.p99 },
  ].filter((p): p is { series: "p50" | "p95" | "p99"; ms: number } => p.ms !== null && p.ms > 0);
  const limits = latencyLimits(view);
  const legend: LegendEntry[] = [
    { label: "requests", color: "#4c78a8" },
    ...pct.map((p) => ({ label: `${p.series} ${fmtMs(p.ms)}`, color: SERIES_COLORS[p.series] })),
    ...limits.map((lim) => ({ label: lim.label, color: limitColor(lim.series), dashed: true })),
  ];
  return stackPanels(title, [
    {
      height: 240,
      legend,
      options: {
        marginRight: 40,
        x: { type: "log", label: "latency (ms, log scale)", grid: true, tickFormat: "~g" },
        y: { label: "requests", grid: true, zero: true },
        marks: [
          Plot.rectY(bins, { x1: "fromMs", x2: "toMs", y: "count", fill: "#4c78a8", inset: 0.5 }),
          ...pct.map((p) => Plot.ruleX([p.ms], { stroke: SERIES_COLORS[p.series], strokeWidth: 1.5 })),
          ...limits.map((lim) =>
            Plot.ruleX([lim.ms], {
              stroke: limitColor(lim.series),
              strokeDasharray: "6 3",
              ariaDescription: "threshold",
            }),
          ),
          Plot.ruleY([0]),
        ],
      },
    },
  ]);
}

// The plan's level over time, from its stages: linear ramps between targets, as the engine runs them.
function plannedLevel(view: LoadView): { t: number; v: number }[] {
  if (!view.stages.length) return [];
  let t = 0;
  const out = [{ t: 0, v: view.startTarget ?? 0 }];
  for (const st of view.stages) {
    t += st.durationMs / 1000;
    out.push({ t, v: st.target });
  }
  return out;
}

function limitColor(series: string): string {
  return (SERIES_COLORS as Record<string, string>)[series] ?? LIMIT_COLOR;
}

// What the failures were, over the whole load (the per-second timeline counts errors only).
function failedBreakdown(view: LoadView, byCut?: Record<string, number>): string {
  const cut = Object.entries(byCut ?? {});
  const parts = [
    ...Object.entries(view.totals.byStatus)
      .filter(([s]) => !(Number(s) >= 200 && Number(s) < 400))
      .map(([s, n]) => `${s === "0" ? "no answer" : `HTTP ${s}`} ×${n}`),
    ...Object.entries(view.totals.byKind).map(([k, n]) => `${k} ×${n}`),
    // a cut stream answered 200 and failed afterwards: said apart from the errors without an answer
    ...(cut.length
      ? [
          `cut streams ×${cut.reduce((a, [, n]) => a + n, 0)} (${cut.map(([k, n]) => `${k} ×${n}`).join(", ")})`,
        ]
      : []),
  ];
  return parts.length ? ` (over the load: ${parts.join(", ")})` : "";
}
