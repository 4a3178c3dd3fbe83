// The fields of a load result (sdk/load's LoadResult, stored as `scenario.load`) that reports read. Read
// structurally and defensively: report/ never imports load/, and a journal from another version must still
// render.

export interface LoadLatency {
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p999: number | null;
  max: number | null;
}

export interface LoadPoint {
  /** Seconds from the load's start. */
  t: number;
  /** Virtual users (closed model). */
  users: number | null;
  /** Target arrival rate in requests/s (open model). */
  rate: number | null;
  requests: number;
  errors: number;
  rps: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface LoadThreshold {
  metric: string;
  expression: string;
  ok: boolean;
  value: number | null;
}

export interface LoadStage {
  durationMs: number;
  /** Users (closed model) or requests/s (open model) reached at the stage's end. */
  target: number;
}

export interface LoadView {
  engine: string | null;
  model: string | null;
  /** The plan in one line, as the load engine describes it. */
  description: string | null;
  latency: LoadLatency;
  /** Requests per second over the whole load. */
  throughput: number | null;
  totals: {
    requests: number | null;
    ok: number | null;
    failed: number | null;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
    /** Response checks (k6's `checks` metric), when any were defined. */
    checks: { passes: number; fails: number } | null;
    /** Requests still in flight when the load stopped. */
    interrupted: number | null;
  };
  droppedIterations: number | null;
  timeline: LoadPoint[];
  thresholds: LoadThreshold[];
  /** The plan's stages as they ran (time scale applied), from `startTarget`. */
  stages: LoadStage[];
  startTarget: number | null;
  /** The latency HdrHistogram (µs), compressed base64, when the engine recorded one. */
  histogram: string | null;
  aborted: boolean;
  abortReason: string | null;
}

type Obj = Record<string, unknown>;

/** A normalised view of `scenario.load`, or undefined when there is no load result. */
export function readLoad(load: unknown): LoadView | undefined {
  if (!isObj(load)) return undefined;
  const lat = obj(load.latency) ?? obj(load.latencyMs) ?? {};
  const totals = obj(load.totals) ?? load;
  return {
    engine: str(load.engine),
    model: str(load.model),
    description: str(load.description),
    latency: {
      min: num(lat.min),
      mean: num(lat.mean),
      p50: num(lat.p50),
      p90: num(lat.p90),
      p95: num(lat.p95),
      p99: num(lat.p99),
      p999: num(lat.p999 ?? lat["p99.9"] ?? lat.p99_9),
      max: num(lat.max),
    },
    throughput: rate(load.throughput ?? load.rps),
    totals: {
      requests: num(totals.requests),
      ok: num(totals.ok),
      failed: num(totals.failed ?? totals.errors),
      byStatus: counts(totals.byStatus),
      byKind: counts(totals.byKind),
      checks: checkCounts(totals.checks),
      interrupted: num(totals.interrupted),
    },
    droppedIterations: num(load.droppedIterations),
    timeline: (Array.isArray(load.timeline) ? load.timeline : []).filter(isObj).map(readPoint),
    thresholds: (Array.isArray(load.thresholds) ? load.thresholds : []).filter(isObj).map((th) => ({
      metric: str(th.metric) ?? "",
      expression: str(th.expression) ?? "",
      ok: th.ok === true,
      value: num(th.value),
    })),
    stages: (Array.isArray(load.stages) ? load.stages : []).filter(isObj).flatMap((st) => {
      const durationMs = num(st.durationMs);
      const target = num(st.target);
      return durationMs === null || target === null ? [] : [{ durationMs, target }];
    }),
    startTarget: num(load.startTarget),
    histogram: histogramData(load.histogram),
    aborted: load.aborted === true,
    abortReason: str(load.abortReason),
  };
}

function readPoint(p: Obj): LoadPoint {
  const requests = num(p.requests) ?? 0;
  // The engine writes 0 for the percentiles of a second without requests: that is no data, not 0 ms.
  const latency = (v: unknown) => (requests > 0 ? num(v) : null);
  return {
    t: num(p.t) ?? 0,
    users: num(p.users ?? p.vus),
    rate: num(p.targetRate ?? p.rate ?? p.target),
    requests,
    errors: num(p.errors) ?? 0,
    rps: num(p.rps),
    p50: latency(p.p50),
    p95: latency(p.p95),
    p99: latency(p.p99),
  };
}

function histogramData(v: unknown): string | null {
  if (!isObj(v) || v.encoding !== "hdr-compressed-base64" || v.unit !== "us") return null;
  return typeof v.data === "string" && v.data.length > 0 ? v.data : null;
}

function checkCounts(v: unknown): { passes: number; fails: number } | null {
  if (!isObj(v)) return null;
  const passes = num(v.passes) ?? 0;
  const fails = num(v.fails) ?? 0;
  return passes + fails > 0 ? { passes, fails } : null;
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function obj(v: unknown): Obj | undefined {
  return isObj(v) ? v : undefined;
}
function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function rate(v: unknown): number | null {
  if (isObj(v)) return num(v.rps ?? v.mean ?? v.average);
  return num(v);
}
function counts(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (!isObj(v)) return out;
  for (const key of Object.keys(v).sort()) {
    const n = num(v[key]);
    if (n !== null) out[key] = n;
  }
  return out;
}
