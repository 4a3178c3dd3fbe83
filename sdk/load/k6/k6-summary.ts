// Reads k6's end-of-test summary into hivestorm's result model. Two documented shapes are accepted:
// the handleSummary() data (metrics[name] = { type, contains, values, thresholds: { expr: { ok } } }) and
// the legacy --summary-export file (metrics[name] = the values object itself, Rate's `rate` renamed to
// `value`, and thresholds as { expr: true-when-FAILED }).
import { createHistogram, encodeHistogram } from "../histogram.ts";
import type { ResolvedPlan } from "../resolve-plan.ts";
import { parseThreshold } from "../threshold-parser.ts";
import type { LatencySummary, LoadResult, ThresholdResult } from "../types.ts";

/** One metric, normalized. */
export interface K6Metric {
  type?: string;
  values: Record<string, number>;
  /** Expression → passed. */
  thresholds: Record<string, boolean>;
}

export interface K6Summary {
  format: "handle-summary" | "summary-export";
  durationMs?: number;
  metrics: Record<string, K6Metric>;
}

const STAT_KEYS = new Set(["thresholds", "type", "contains", "values"]);

export function parseK6Summary(input: unknown): K6Summary {
  const doc = (typeof input === "string" ? JSON.parse(input) : input) as Record<string, unknown>;
  const raw = doc?.metrics;
  if (!raw || typeof raw !== "object") throw new TypeError("not a k6 summary: no `metrics` object");
  const entries = Object.entries(raw as Record<string, Record<string, unknown>>);
  const handle = entries.some(([, m]) => m && typeof m.values === "object" && m.values !== null);
  const metrics: Record<string, K6Metric> = {};
  for (const [name, m] of entries) {
    if (handle) {
      const th = (m.thresholds ?? {}) as Record<string, { ok: boolean }>;
      metrics[name] = {
        type: m.type as string | undefined,
        values: { ...(m.values as Record<string, number>) },
        thresholds: Object.fromEntries(Object.entries(th).map(([e, v]) => [e, v.ok === true])),
      };
    } else {
      const values: Record<string, number> = {};
      for (const [k, v] of Object.entries(m)) if (!STAT_KEYS.has(k) && typeof v === "number") values[k] = v;
      if ("value" in values && "passes" in values) values.rate = values.value; // Rate metrics
      const th = (m.thresholds ?? {}) as Record<string, boolean>;
      metrics[name] = {
        values,
        // the legacy export writes true when the threshold FAILED
        thresholds: Object.fromEntries(Object.entries(th).map(([e, failed]) => [e, failed !== true])),
      };
    }
  }
  const state = doc.state as { testRunDurationMs?: number } | undefined;
  return {
    format: handle ? "handle-summary" : "summary-export",
    ...(state?.testRunDurationMs !== undefined ? { durationMs: state.testRunDurationMs } : {}),
    metrics,
  };
}

/** The value a threshold expression's aggregation reads from a k6 metric's values. */
export function k6AggregateValue(metric: K6Metric | undefined, expression: string): number {
  const p = parseThreshold(expression);
  if (!metric || typeof p === "string") return Number.NaN;
  const key =
    p.percentile !== undefined ? `p(${p.percentile})` : p.aggregation === "value" ? "value" : p.aggregation;
  const v = metric.values[key] ?? (key === "value" ? metric.values.rate : undefined);
  return typeof v === "number" ? v : Number.NaN;
}

/** Builds a LoadResult from a k6 summary (no per-request data: empty histogram and timeline). */
export function k6SummaryToResult(
  summary: K6Summary,
  plan: ResolvedPlan,
  description: string,
  startedAt: number,
  endedAt: number,
): LoadResult {
  const m = summary.metrics;
  const v = (name: string, key: string) => m[name]?.values[key] ?? 0;
  const requests = v("http_reqs", "count");
  // for a Rate, `passes` counts true samples: failed requests for http_req_failed
  const failed = m.http_req_failed ? v("http_req_failed", "passes") : 0;
  const d = m.http_req_duration?.values ?? {};
  const latency: LatencySummary = {
    count: requests,
    min: d.min ?? 0,
    mean: d.avg ?? 0,
    stdev: 0,
    p50: d.med ?? 0,
    p90: d["p(90)"] ?? 0,
    p95: d["p(95)"] ?? 0,
    p99: d["p(99)"] ?? 0,
    p999: d["p(99.9)"] ?? 0,
    max: d.max ?? 0,
  };
  const thresholds: ThresholdResult[] = [];
  for (const t of plan.thresholds) {
    const verdict = m[t.metric]?.thresholds[t.expression];
    thresholds.push({
      metric: t.metric,
      expression: t.expression,
      ok: verdict ?? false,
      value: k6AggregateValue(m[t.metric], t.expression),
      abortOnFail: t.abortOnFail,
    });
  }
  const empty = createHistogram();
  const histogram = encodeHistogram(empty);
  empty.destroy();
  const durationMs = summary.durationMs ?? endedAt - startedAt;
  return {
    engine: "k6",
    model: plan.model,
    description,
    startedAt,
    endedAt,
    startTarget: plan.startTarget,
    stages: plan.stages.map((s) => ({ ...s })),
    maxUsers: m.vus_max?.values.value ?? plan.maxUsers,
    totals: {
      requests,
      ok: requests - failed,
      failed,
      byStatus: {},
      byKind: {},
      checks: { passes: v("checks", "passes"), fails: v("checks", "fails") },
      interrupted: 0,
    },
    latency,
    throughput: m.http_reqs?.values.rate ?? (durationMs > 0 ? requests / (durationMs / 1000) : 0),
    droppedIterations: v("dropped_iterations", "count"),
    timeline: [],
    histogram,
    thresholds,
    thresholdsFailed: thresholds.some((t) => !t.ok),
    aborted: false,
  };
}
