// The plain-JSON shapes a load run produces. Everything here survives JSON.stringify/parse unchanged, so a
// result can be journaled, merged across runs and read by the report module without any class of ours.

/** Which engine produced a result. "vus" is the think-time loop for the closed model (see engines/vu-engine.ts). */
export type EngineName = "autocannon" | "vus" | "open" | "k6";

/** Closed model: a number of virtual users loop; open model: requests start at a target rate. */
export type LoadModel = "closed" | "open";

/** One planned stage after time scaling: go linearly from the previous target to `target` in `durationMs`. */
export interface PlannedStage {
  durationMs: number;
  /** Users (closed model) or requests per second (open model) at the end of the stage. */
  target: number;
}

/** A latency summary in milliseconds, with microsecond resolution. */
export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** A histogram in a mergeable form: an HdrHistogram in microseconds, compressed and base64-encoded. */
export interface EncodedHistogram {
  unit: "us";
  encoding: "hdr-compressed-base64";
  data: string;
}

/** Why a request failed without a response (k6's error kinds, roughly). */
export type ErrorKind = "timeout" | "reset" | "refused" | "dns" | "closed" | "aborted" | "other";

/**
 * How a stream that started (a 2xx response read as a stream) failed to end properly: the connection broke
 * ("reset"), the body ended before the done unit ("eof"), no token came within the inter-token timeout
 * ("timeout"), or the server sent an error unit ("error").
 */
export type CutKind = "reset" | "eof" | "timeout" | "error";

/** One streaming request's tokens, on its RequestRecord. */
export interface StreamRecord {
  tokens: number;
  /** From the (scheduled) start to the first token, ms; absent when no token came. */
  ttftMs?: number;
  /** Mean gap between tokens after the first, ms (tokens ≥ 2). */
  tpotMs?: number;
  cut?: CutKind;
}

/** One request as it completed; handed to `onRequest` for exact before/during/after windows. */
export interface RequestRecord {
  /** Epoch ms when the request started; open model: when it was scheduled (or sent, if up to 0.3 ms early). */
  start: number;
  /** From start to the last byte of the response (or to the error), in ms, as a float. */
  latencyMs: number;
  /** HTTP status, 0 on a network error. */
  status: number;
  /** k6's definition: a 2xx or 3xx response. */
  ok: boolean;
  error?: ErrorKind;
  /** Streaming plans: the request's tokens (absent when the response was not a stream, e.g. a 503). */
  stream?: StreamRecord;
}

/** One second of a run: for live progress and for the charts of users, requests/s and latency over time. */
export interface LoadSample {
  /** Seconds from the start of the run to the start of this window. */
  t: number;
  /** Planned virtual users during this window (closed model). */
  users?: number;
  /** Planned arrival rate in requests/s during this window (open model). */
  targetRate?: number;
  /** Requests completed in this window. */
  requests: number;
  /** Of those, failed ones (not 2xx/3xx, or no response). */
  errors: number;
  /** Requests per second in this window (the last window may be shorter than a second). */
  rps: number;
  /** Open model: starts dropped in this window because the in-flight cap was reached. */
  dropped?: number;
  /** Latency percentiles of the requests completed in this window, ms (0 when there were none). */
  p50: number;
  p95: number;
  p99: number;
  /** Responses completed in this window by captured value, per capture (when the plan captures any). */
  captures?: Record<string, Record<string, number>>;
  /** Streaming plans: tokens received in this window, and per second. */
  tokens?: number;
  tps?: number;
  /** Streaming plans: streams that ended in this window, and of those, cut ones. */
  streams?: number;
  cut?: number;
  /** Streaming plans: time to first token of the streams whose first token came in this window, ms. */
  ttftP50?: number;
  ttftP95?: number;
  ttftP99?: number;
  /** Streaming plans: gaps between tokens that ended in this window, ms. */
  itlP50?: number;
  itlP95?: number;
  itlP99?: number;
}

/** The verdict of one threshold expression. */
export interface ThresholdResult {
  metric: string;
  expression: string;
  ok: boolean;
  /** The observed value of the expression's aggregation (ms for durations, 0..1 for rates). */
  value: number;
  abortOnFail: boolean;
}

export interface LoadTotals {
  /** Requests that completed with a response or an error. */
  requests: number;
  ok: number;
  failed: number;
  /** Responses by status code, plus "0" for requests without a response. */
  byStatus: Record<string, number>;
  /** Requests without a response, by kind. */
  byKind: Partial<Record<ErrorKind, number>>;
  checks: { passes: number; fails: number };
  /** Requests still in flight when the run was stopped (not counted in `requests`, as in k6). */
  interrupted: number;
}

/** A streaming run's tokens: totals, summaries and mergeable histograms (µs) of each token metric. */
export interface StreamTotals {
  /** Requests whose 2xx response was read as a stream. */
  streams: number;
  /** Of those, the ones that ended properly, and the cut ones by kind. */
  completed: number;
  cut: number;
  byCut: Partial<Record<CutKind, number>>;
  /** Tokens received, in every stream (cut ones too). */
  tokens: number;
  /** Tokens per second over the run. */
  tokensPerSecond: number;
  ttft: LatencySummary;
  itl: LatencySummary;
  tpot: LatencySummary;
  histograms: { ttft: EncodedHistogram; itl: EncodedHistogram; tpot: EncodedHistogram };
}

/** The result of one load run: plain JSON. */
export interface LoadResult {
  engine: EngineName;
  model: LoadModel;
  description: string;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  /** Users (closed) or rate (open) at the start, then the stages, after time scaling. */
  startTarget: number;
  stages: PlannedStage[];
  /** The largest number of users (closed) or concurrent requests (open) the plan allows. */
  maxUsers: number;
  totals: LoadTotals;
  latency: LatencySummary;
  /** Completed requests per second over the whole run. */
  throughput: number;
  droppedIterations: number;
  timeline: LoadSample[];
  histogram: EncodedHistogram;
  /** Open model: how late requests were sent against their schedule, ms. */
  sendLag?: LatencySummary;
  /** Engine-specific counters, e.g. autocannon: instances, sent, rawHistogramCount, rawP99Ms. */
  engineStats?: Record<string, number>;
  thresholds: ThresholdResult[];
  /** True when any threshold failed. */
  thresholdsFailed: boolean;
  aborted: boolean;
  abortReason?: string;
  /**
   * Responses of the run by captured value, per capture (plan.capture()); at most the plan's maxValues distinct
   * values each, later new ones counted as "(other)", no response as "(none)".
   */
  captures?: Record<string, Record<string, number>>;
  /** Streaming plans (plan.stream()): the tokens of the run. */
  streams?: StreamTotals;
}
