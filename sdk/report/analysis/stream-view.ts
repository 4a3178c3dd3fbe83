// The token side of a run, read structurally (report/ never imports load/): a streaming load's totals and
// per-second token series (`load.streams`, `load.timeline[].tps|ttftP95|...`), and the streams of a scenario's
// background traffic (the samples' ttftMs, itlMaxMs, tokens and cut columns) in buckets of a second.
import type { SampleColumns } from "../../core/journal.ts";

export interface TokenSummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface LoadStreamsView {
  streams: number;
  completed: number;
  cut: number;
  byCut: Record<string, number>;
  tokens: number;
  tokensPerSecond: number | null;
  ttft: TokenSummary;
  itl: TokenSummary;
  tpot: TokenSummary;
  timeline: {
    t: number;
    tps: number | null;
    rps: number | null;
    cut: number;
    ttftP50: number | null;
    ttftP95: number | null;
    ttftP99: number | null;
    itlP50: number | null;
    itlP95: number | null;
    itlP99: number | null;
  }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const summary = (v: unknown): TokenSummary => {
  const o = isObj(v) ? v : {};
  return { p50: num(o.p50), p95: num(o.p95), p99: num(o.p99), max: num(o.max) };
};

/** A streaming load's tokens, or undefined when the load did not stream. */
export function readLoadStreams(load: unknown): LoadStreamsView | undefined {
  if (!isObj(load) || !isObj(load.streams)) return undefined;
  const s = load.streams;
  const timeline = Array.isArray(load.timeline) ? load.timeline.filter(isObj) : [];
  // a second without a token measured no token latency: null, drawn as a gap
  const ms = (p: Obj, k: string) =>
    (num(p.tokens) ?? 0) > 0 || (num(p.streams) ?? 0) > 0 ? num(p[k]) : null;
  return {
    streams: num(s.streams) ?? 0,
    completed: num(s.completed) ?? 0,
    cut: num(s.cut) ?? 0,
    byCut: isObj(s.byCut)
      ? (Object.fromEntries(Object.entries(s.byCut).filter(([, n]) => typeof n === "number")) as Record<
          string,
          number
        >)
      : {},
    tokens: num(s.tokens) ?? 0,
    tokensPerSecond: num(s.tokensPerSecond),
    ttft: summary(s.ttft),
    itl: summary(s.itl),
    tpot: summary(s.tpot),
    timeline: timeline.map((p) => ({
      t: num(p.t) ?? 0,
      tps: num(p.tps),
      rps: num(p.rps),
      cut: num(p.cut) ?? 0,
      ttftP50: ms(p, "ttftP50"),
      ttftP95: ms(p, "ttftP95"),
      ttftP99: ms(p, "ttftP99"),
      itlP50: ms(p, "itlP50"),
      itlP95: ms(p, "itlP95"),
      itlP99: ms(p, "itlP99"),
    })),
  };
}

export interface TrafficStreamBucket {
  /** Seconds from the scenario's start. */
  x1: number;
  x2: number;
  streams: number;
  cut: number;
  tokens: number;
  ttftP50: number | null;
  ttftP95: number | null;
  gapP95: number | null;
}

/** True when the background traffic streamed (the samples carry the stream columns). */
export function trafficStreamed(
  s: SampleColumns | undefined,
): s is SampleColumns & { cut: (string | null)[] } {
  return Array.isArray(s?.cut) && Array.isArray(s?.ttftMs);
}

/**
 * The traffic's streams by second of their start (bucket edges in ms given, e.g. cut at every fault's apply
 * and revert): time to first token p50/p95, the p95 of each stream's longest gap, tokens and cut streams.
 */
export function trafficStreamBuckets(s: SampleColumns, edgesMs: readonly number[]): TrafficStreamBucket[] {
  const out: TrafficStreamBucket[] = [];
  let i = 0;
  const order = s.t.map((_, k) => k).sort((a, b) => s.t[a] - s.t[b]);
  for (let e = 0; e + 1 < edgesMs.length; e++) {
    const from = edgesMs[e];
    const to = edgesMs[e + 1];
    const ttft: number[] = [];
    const gaps: number[] = [];
    let streams = 0;
    let cut = 0;
    let tokens = 0;
    while (i < order.length && s.t[order[i]] < from) i++;
    for (; i < order.length && s.t[order[i]] < to; i++) {
      const k = order[i];
      if (s.status[k] >= 200 && s.status[k] < 300) streams++;
      if (s.cut?.[k]) cut++;
      tokens += s.tokens?.[k] ?? 0;
      const f = s.ttftMs?.[k];
      if (typeof f === "number") ttft.push(f);
      const g = s.itlMaxMs?.[k];
      if (typeof g === "number") gaps.push(g);
    }
    out.push({
      x1: from / 1000,
      x2: to / 1000,
      streams,
      cut,
      tokens,
      ttftP50: nearestRank(ttft, 0.5),
      ttftP95: nearestRank(ttft, 0.95),
      gapP95: nearestRank(gaps, 0.95),
    });
  }
  return out;
}

function nearestRank(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))];
}
