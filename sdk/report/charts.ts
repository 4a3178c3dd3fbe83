// SVG charts for the report: a scenario's latency and error rate over time with its fault windows shaded, and a
// load result's users (or rate), requests/s and latency over time. Pure functions of the journal.
import * as Plot from "@observablehq/plot";
import type { ScenarioResult } from "../core/journal.ts";
import { readLoad } from "./analysis/load-view.ts";
import { relativeMs, scenarioDurationMs } from "./analysis/scenario-windows.ts";
import { timeline } from "./analysis/timeline.ts";
import { stackPanels } from "./svg.ts";

const SERIES_COLORS = { p50: "#1f77b4", p95: "#ff7f0e", p99: "#d62728" } as const;
const FAULT_FILL = "#e45756";
const LATENCY_LEGEND = [
  ...Object.entries(SERIES_COLORS).map(([label, color]) => ({ label: `latency ${label}`, color })),
];
const X_LABEL = "seconds from the scenario's start";

interface FaultSpan {
  x1: number;
  x2: number;
  label: string;
}

/** The scenario's chart, or undefined when it has no traffic to draw (skipped, errored early, no samples). */
export function renderScenarioChart(scenario: ScenarioResult): string | undefined {
  const buckets = scenario.timeline.length ? scenario.timeline : timeline(scenario.samples, 1000);
  if (!buckets.some((p) => p.requests > 0)) return undefined;
  // Each point stands for its bucket [t, t + step): repeat the last one at its bucket's end for the steps.
  const step = buckets.length > 1 ? buckets[1].t - buckets[0].t : 1000;
  const last = buckets[buckets.length - 1];
  const points = [...buckets, { ...last, t: last.t + step }];
  const endS = Math.max(scenarioDurationMs(scenario), last.t + step) / 1000;
  const faults: FaultSpan[] = scenario.faults.map((f) => ({
    x1: relativeMs(scenario, f.appliedAt) / 1000,
    x2: (f.revertedAt === undefined ? endS * 1000 : relativeMs(scenario, f.revertedAt)) / 1000,
    label: f.kind,
  }));
  const latency = points.flatMap((p) =>
    (["p50", "p95", "p99"] as const).map((series) => ({ t: p.t / 1000, ms: p[series], series })),
  );
  const errors = points.map((p) => ({
    t: p.t / 1000,
    pct: p.requests ? (100 * p.errors) / p.requests : null,
  }));
  const x = { domain: [0, endS], label: X_LABEL, grid: true };
  return stackPanels(`${scenario.id}: ${scenario.name}`, LATENCY_LEGEND, [
    {
      height: 280,
      options: {
        marginRight: 40,
        x,
        y: { label: "latency (ms)", grid: true, zero: true },
        color: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
        marks: [
          ...faultMarks(faults),
          Plot.line(latency, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    {
      height: 150,
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
    },
  ]);
}

/** The load chart (users or target rate, requests/s, latency over time), or undefined without a timeline. */
export function renderLoadChart(load: unknown, title = "load"): string | undefined {
  const view = readLoad(load);
  if (!view?.timeline.length) return undefined;
  // Each point measures the second [t, t + 1): drawn as steps, the last one repeated at its end.
  const last = view.timeline[view.timeline.length - 1];
  const points = [...view.timeline, { ...last, t: last.t + 1 }];
  const x = { label: "seconds from the load's start", grid: true, domain: [0, last.t + 1] };
  const closed = points.some((p) => p.users !== null);
  const level = points.map((p) => ({ t: p.t, v: closed ? p.users : p.rate }));
  const latency = points.flatMap((p) =>
    (["p50", "p95", "p99"] as const).map((series) => ({ t: p.t, ms: p[series], series })),
  );
  const rps = points.map((p) => ({ t: p.t, rps: p.rps ?? p.requests }));
  return stackPanels(title, LATENCY_LEGEND, [
    {
      height: 150,
      options: {
        marginRight: 40,
        x,
        y: { label: closed ? "virtual users" : "target rate (req/s)", grid: true, zero: true },
        marks: [
          Plot.line(level, { x: "t", y: "v", stroke: "#4c78a8", strokeWidth: 1.5, curve: "step-after" }),
        ],
      },
    },
    {
      height: 150,
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
      options: {
        marginRight: 40,
        x,
        y: { label: "latency (ms)", grid: true, zero: true },
        color: { domain: Object.keys(SERIES_COLORS), range: Object.values(SERIES_COLORS) },
        marks: [Plot.line(latency, { x: "t", y: "ms", stroke: "series", strokeWidth: 1.5 })],
      },
    },
  ]);
}

function faultMarks(faults: FaultSpan[], labelled = true): Plot.Markish[] {
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
    marks.push(
      Plot.text(faults, {
        x: "x1",
        text: (d: FaultSpan) => `fault: ${d.label}`,
        frameAnchor: "top",
        textAnchor: "start",
        dx: 3,
        dy: 3,
        fill: FAULT_FILL,
      }),
    );
  return marks;
}
