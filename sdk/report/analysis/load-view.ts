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

export interface LoadView {
  engine: string | null;
  model: string | null;
  latency: LoadLatency;
  /** Requests per second over the whole load. */
  throughput: number | null;
  totals: {
    requests: number | null;
    ok: number | null;
    failed: number | null;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
  };
  droppedIterations: number | null;
  timeline: LoadPoint[];
  thresholds: LoadThreshold[];
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
    latency: {
      min: num(lat.min),
      mean: num(lat.mean),
      p50: num(lat.p50),
      p90: num(lat.p90),
      p95: num(lat.p95),
      p99: num(lat.p99),
      p999: num(lat["p99.9"] ?? lat.p999 ?? lat.p99_9),
      max: num(lat.max),
    },
    throughput: rate(load.throughput ?? load.rps),
    totals: {
      requests: num(totals.requests),
      ok: num(totals.ok),
      failed: num(totals.failed ?? totals.errors),
      byStatus: counts(totals.byStatus),
      byKind: counts(totals.byKind),
    },
    droppedIterations: num(load.droppedIterations),
    timeline: (Array.isArray(load.timeline) ? load.timeline : []).filter(isObj).map((p) => ({
      t: num(p.t) ?? 0,
      users: num(p.users ?? p.vus),
      rate: num(p.rate ?? p.targetRate ?? p.target),
      requests: num(p.requests) ?? 0,
      errors: num(p.errors) ?? 0,
      rps: num(p.rps),
      p50: num(p.p50),
      p95: num(p.p95),
      p99: num(p.p99),
    })),
    thresholds: (Array.isArray(load.thresholds) ? load.thresholds : []).filter(isObj).map((th) => ({
      metric: str(th.metric) ?? "",
      expression: str(th.expression) ?? "",
      ok: th.ok === true,
      value: num(th.value),
    })),
    aborted: load.aborted === true,
    abortReason: str(load.abortReason),
  };
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
