// Every engine reports requests here, and nothing else measures: one histogram (µs), counters by status
// and error kind, and per-second windows bucketed by completion time, flushed into the timeline.
import type { Captured } from "../core/capture.ts";
import { type CaptureCounts, CaptureTally, mergeCounts } from "./capture-tally.ts";
import { isExpectedStatus } from "./failure.ts";
import { createHistogram, type Histogram, recordMs, summarize } from "./histogram.ts";
import type { TokenSink } from "./stream/stream-call.ts";
import { type StreamEnd, StreamTally, type StreamWindow } from "./stream/stream-tally.ts";
import type {
  ErrorKind,
  LatencySummary,
  LoadSample,
  LoadTotals,
  RequestRecord,
  StreamRecord,
} from "./types.ts";

interface Window {
  requests: number;
  errors: number;
  dropped: number;
  hist: Histogram;
  captures?: CaptureCounts;
  stream?: StreamWindow;
}

export interface RecorderOptions {
  /** performance.now() at the start of the run. */
  t0: number;
  /** Planned users or rate at a time (ms from start), for the timeline. */
  plannedAt: (ms: number) => number;
  model: "closed" | "open";
  onSample?: (s: LoadSample) => void;
  onRequest?: (r: RequestRecord) => void;
  /** A throwing onSample/onRequest must not break an engine's I/O callbacks: it is reported here. */
  onCallbackError?: (err: unknown) => void;
  /** Distinct values kept per capture, the rest counted as "(other)"; default 20. */
  maxCaptureValues?: number;
  /** The plan streams: tokens are recorded too (see stream/stream-tally.ts). */
  streaming?: boolean;
}

export class Recorder implements TokenSink {
  readonly histogram = createHistogram();
  readonly lag = createHistogram();
  readonly totals: LoadTotals = {
    requests: 0,
    ok: 0,
    failed: 0,
    byStatus: {},
    byKind: {},
    checks: { passes: 0, fails: 0 },
    interrupted: 0,
  };
  dropped = 0;
  /** Engine-specific counters for the result (e.g. autocannon instances and its own histogram's count). */
  readonly engineStats: Record<string, number> = {};
  readonly timeline: LoadSample[] = [];
  /** Captured values of the whole run, per capture and value (bounded, see capture-tally.ts). */
  readonly captures: CaptureCounts = {};
  readonly #tally: CaptureTally;
  /** Streaming plans only. */
  readonly stream: StreamTally | undefined;
  readonly #windows = new Map<number, Window>();
  // counts by status in a typed array: no string key per request on the hot path
  readonly #status = new Uint32Array(1000);
  #current = -1;
  #currentWindow: Window | undefined;
  #flushed = 0;
  readonly #o: RecorderOptions;
  readonly #epoch: number;

  constructor(options: RecorderOptions) {
    this.#o = options;
    this.#epoch = performance.timeOrigin + options.t0;
    this.#tally = new CaptureTally(options.maxCaptureValues);
    this.stream = options.streaming ? new StreamTally() : undefined;
  }

  /** A completed request. `start` is performance.now() at its (scheduled) start. */
  record(start: number, latencyMs: number, status: number, error?: ErrorKind, stream?: StreamEnd): void {
    const ok = error === undefined && isExpectedStatus(status);
    const t = this.totals;
    t.requests++;
    if (ok) t.ok++;
    else t.failed++;
    if (status >= 0 && status < 1000) this.#status[status]++;
    else t.byStatus[String(status)] = (t.byStatus[String(status)] ?? 0) + 1;
    if (error) t.byKind[error] = (t.byKind[error] ?? 0) + 1;
    recordMs(this.histogram, latencyMs);
    const w = this.#window(start + latencyMs);
    w.requests++;
    if (!ok) w.errors++;
    recordMs(w.hist, latencyMs);
    let streamRecord: StreamRecord | undefined;
    if (stream && this.stream && w.stream) streamRecord = this.stream.ended(w.stream, start, stream);
    if (this.#o.onRequest) {
      const record: RequestRecord = { start: this.#epoch + (start - this.#o.t0), latencyMs, status, ok };
      if (error) record.error = error;
      if (streamRecord) record.stream = streamRecord;
      this.#call(this.#o.onRequest, record);
    }
  }

  firstToken(ms: number, at: number): void {
    const w = this.#window(at).stream;
    if (w) this.stream?.firstToken(w, ms);
  }

  gap(ms: number, at: number): void {
    const w = this.#window(at).stream;
    if (w) this.stream?.gap(w, ms);
  }

  tokens(n: number, at: number): void {
    const w = this.#window(at).stream;
    if (w) this.stream?.addTokens(w, n);
  }

  /** A response's captured values, counted in the second it completed (performance.now() `at`). */
  capture(at: number, values: Captured): void {
    const w = this.#window(at);
    if (!w.captures) w.captures = {};
    this.#tally.add(values, w.captures, this.captures);
  }

  check(passed: boolean): void {
    if (passed) this.totals.checks.passes++;
    else this.totals.checks.fails++;
  }

  /** An arrival that could not start (open model, in-flight cap reached), at performance.now() `at`. */
  drop(at: number): void {
    this.dropped++;
    this.#window(at).dropped++;
  }

  /** How late a scheduled request was actually sent, ms. */
  sendLag(ms: number): void {
    recordMs(this.lag, ms);
  }

  interrupted(n: number): void {
    this.totals.interrupted += n;
  }

  /** Flushes every whole second before `now` (performance.now()) into the timeline. */
  tick(now: number): void {
    const upTo = Math.floor((now - this.#o.t0) / 1000);
    while (this.#flushed < upTo) this.#flush(this.#flushed++, 1);
  }

  /** Flushes everything, the last window being partial; returns the run's length in ms. */
  finish(now: number): number {
    const elapsed = now - this.#o.t0;
    this.tick(now);
    const last = elapsed / 1000 - this.#flushed;
    const pending = [...this.#windows.keys()].filter((i) => i >= this.#flushed).sort((a, b) => a - b);
    if (last > 0.001 || pending.length > 0) this.#flush(this.#flushed++, Math.max(last, 0.001));
    // responses completing after the end (drain) are folded into the last window
    for (const i of pending) if (i >= this.#flushed) this.#fold(i);
    return elapsed;
  }

  /** Totals with byStatus filled in from the typed counters. */
  snapshotTotals(): LoadTotals {
    const byStatus: Record<string, number> = { ...this.totals.byStatus };
    this.#status.forEach((n, status) => {
      if (n > 0) byStatus[String(status)] = n;
    });
    return {
      ...this.totals,
      byStatus,
      byKind: { ...this.totals.byKind },
      checks: { ...this.totals.checks },
    };
  }

  latency(): LatencySummary {
    return summarize(this.histogram);
  }

  destroy(): void {
    this.histogram.destroy();
    this.lag.destroy();
    this.stream?.destroy();
    for (const w of this.#windows.values()) {
      w.hist.destroy();
      if (w.stream) this.stream?.destroyWindow(w.stream);
    }
    this.#windows.clear();
  }

  #call<T>(fn: (x: T) => void, x: T): void {
    try {
      fn(x);
    } catch (err) {
      this.#o.onCallbackError?.(err);
    }
  }

  #window(at: number): Window {
    const i = Math.max(this.#flushed, Math.floor((at - this.#o.t0) / 1000));
    if (i === this.#current && this.#currentWindow) return this.#currentWindow;
    let w = this.#windows.get(i);
    this.#current = i;
    if (!w) {
      w = { requests: 0, errors: 0, dropped: 0, hist: createHistogram() };
      if (this.stream) w.stream = this.stream.window();
      this.#windows.set(i, w);
    }
    this.#currentWindow = w;
    return w;
  }

  #flush(i: number, lengthS: number): void {
    const w = this.#windows.get(i);
    this.#windows.delete(i);
    if (i === this.#current) this.#currentWindow = undefined;
    const planned = this.#o.plannedAt((i + lengthS / 2) * 1000);
    const pct = (p: number) => (w && w.hist.totalCount > 0 ? w.hist.getValueAtPercentile(p) / 1000 : 0);
    const sample: LoadSample = {
      t: i,
      ...(this.#o.model === "closed" ? { users: Math.round(planned) } : { targetRate: round(planned) }),
      requests: w?.requests ?? 0,
      errors: w?.errors ?? 0,
      rps: round((w?.requests ?? 0) / lengthS),
      ...(this.#o.model === "open" ? { dropped: w?.dropped ?? 0 } : {}),
      p50: pct(50),
      p95: pct(95),
      p99: pct(99),
      ...(w?.captures ? { captures: w.captures } : {}),
      ...(this.stream ? this.stream.sample(w?.stream, lengthS) : {}),
    };
    w?.hist.destroy();
    if (w?.stream) this.stream?.destroyWindow(w.stream);
    this.timeline.push(sample);
    if (this.#o.onSample) this.#call(this.#o.onSample, { ...sample });
  }

  #fold(i: number): void {
    const w = this.#windows.get(i);
    const last = this.timeline.at(-1);
    if (!w || !last) return;
    last.requests += w.requests;
    last.errors += w.errors;
    if (last.dropped !== undefined) last.dropped += w.dropped;
    if (w.captures) {
      if (!last.captures) last.captures = {};
      mergeCounts(last.captures, w.captures);
    }
    if (w.stream && this.stream) {
      this.stream.fold(last, w.stream);
      this.stream.destroyWindow(w.stream);
    }
    w.hist.destroy();
    this.#windows.delete(i);
    if (i === this.#current) this.#currentWindow = undefined;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
