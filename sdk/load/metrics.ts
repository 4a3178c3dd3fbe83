// The k6 metric names hivestorm understands, with their k6 types, and how each is read from a LoadResult.
// An explicit registry: adding a metric is one entry here, and threshold validation follows from it.
import { createHistogram, decodeHistogram, type Histogram } from "./histogram.ts";
import type { ParsedThreshold } from "./threshold-parser.ts";
import type { LoadResult } from "./types.ts";

export type MetricType = "trend" | "rate" | "counter" | "gauge";

/** The histograms a streaming run keeps of its tokens. */
export type TokenTrend = "ttft" | "itl" | "tpot";

/** What a threshold can look at: a result, with its histograms decoded at most once. */
export interface MetricSource {
  result: LoadResult;
  histogram(): Histogram;
  /** A token histogram of a streaming run (empty when the run did not stream). */
  tokens(which: TokenTrend): Histogram;
}

interface MetricDef {
  type: MetricType;
  read(src: MetricSource, t: ParsedThreshold): number;
}

const AGGREGATIONS: Record<MetricType, readonly string[]> = {
  trend: ["avg", "min", "max", "med", "p(N)"],
  rate: ["rate"],
  counter: ["count", "rate"],
  gauge: ["value"],
};

const seconds = (r: LoadResult) => Math.max(1e-9, (r.endedAt - r.startedAt) / 1000);
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
const counter = (count: (r: LoadResult) => number): MetricDef => ({
  type: "counter",
  read: (src, t) => (t.aggregation === "rate" ? count(src.result) / seconds(src.result) : count(src.result)),
});

function trend(src: MetricSource, t: ParsedThreshold): number {
  return trendOf(src.histogram(), t);
}

function trendOf(h: Histogram, t: ParsedThreshold): number {
  if (h.totalCount === 0) return 0;
  const ms = (us: number) => us / 1000;
  if (t.percentile !== undefined) return ms(h.getValueAtPercentile(t.percentile));
  const byAgg: Record<string, () => number> = {
    avg: () => ms(h.mean),
    min: () => ms(h.getValueAtPercentile(0)),
    max: () => ms(h.getValueAtPercentile(100)),
    med: () => ms(h.getValueAtPercentile(50)),
  };
  return byAgg[t.aggregation]();
}

export const METRICS: Readonly<Record<string, MetricDef>> = {
  http_req_duration: { type: "trend", read: trend },
  http_req_failed: {
    type: "rate",
    read: ({ result: r }) => ratio(r.totals.failed, r.totals.requests),
  },
  checks: {
    type: "rate",
    read: ({ result: r }) => ratio(r.totals.checks.passes, r.totals.checks.passes + r.totals.checks.fails),
  },
  http_reqs: counter((r) => r.totals.requests),
  iterations: counter((r) => r.totals.requests),
  dropped_iterations: counter((r) => r.droppedIterations),
  vus_max: { type: "gauge", read: ({ result: r }) => r.maxUsers },
  // token streams (plan.stream()); k6 has no such metrics, the names follow serving benchmarks'
  time_to_first_token: { type: "trend", read: (src, t) => trendOf(src.tokens("ttft"), t) },
  inter_token_latency: { type: "trend", read: (src, t) => trendOf(src.tokens("itl"), t) },
  time_per_output_token: { type: "trend", read: (src, t) => trendOf(src.tokens("tpot"), t) },
  output_tokens: counter((r) => r.streams?.tokens ?? 0),
  streams_cut: {
    type: "rate",
    read: ({ result: r }) => ratio(r.streams?.cut ?? 0, r.streams?.streams ?? 0),
  },
};

/** The problem with using `aggregation` on `metric`, or undefined if fine. */
export function metricProblem(metric: string, t: ParsedThreshold): string | undefined {
  const def = METRICS[metric];
  if (!def) {
    if (/[{}]/.test(metric))
      return `sub-metrics with tag filters are not supported yet: ${JSON.stringify(metric)}`;
    return `unknown metric ${JSON.stringify(metric)}; known: ${Object.keys(METRICS).join(", ")}`;
  }
  const agg = t.percentile !== undefined ? "p(N)" : t.aggregation;
  if (!AGGREGATIONS[def.type].includes(agg)) {
    return `${metric} is a ${def.type} metric: use ${AGGREGATIONS[def.type].join(", ")}, not ${t.aggregation}`;
  }
  return undefined;
}

/** A MetricSource over a result; histograms are decoded on first use and freed by `release`. */
export function metricSource(
  result: LoadResult,
  live?: Histogram,
  liveTokens?: Readonly<Record<TokenTrend, Histogram>>,
): MetricSource & { release(): void } {
  let h: Histogram | undefined = live;
  const decoded: Partial<Record<TokenTrend, Histogram>> = {};
  return {
    result,
    histogram: () => {
      h ??= decodeHistogram(result.histogram);
      return h;
    },
    tokens: (which) => {
      if (liveTokens) return liveTokens[which];
      const e = result.streams?.histograms[which];
      decoded[which] ??= e && e.data !== "" ? decodeHistogram(e) : createHistogram();
      return decoded[which];
    },
    release: () => {
      if (h && h !== live) h.destroy();
      for (const d of Object.values(decoded)) d.destroy();
    },
  };
}
