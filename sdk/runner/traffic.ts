// Background traffic that samples a system's steady state while faults come and go: an open loop at a fixed
// rate, paced by the load engine's pacer (sdk/load/engines/pacer.ts), each request timed from its scheduled
// start (a stall cannot hide behind a slow sender), with a hard per-request timeout so that a hang is recorded
// as a failure instead of stopping the sampling.
import { Agent, request } from "undici";
import {
  type Capture,
  type Captured,
  type CaptureSpec,
  capturesNeedBody,
  captureValues,
  parseCaptures,
} from "../core/capture.ts";
import { ValidationError } from "../core/errors.ts";
import { everyInterval, pace } from "../load/engines/pacer.ts";
import { type StreamReply, sendStream } from "../load/stream/stream-call.ts";
import {
  type ResolvedStream,
  resolveStream,
  type StreamSpec,
  streamProblems,
} from "../load/stream/stream-spec.ts";
import type { CutKind } from "../load/types.ts";
import { clientUrl, type SystemDefinition } from "../system/definition.ts";

export interface TrafficRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Values captured from each response into its sample (see sdk/core/capture.ts). */
  capture?: CaptureSpec;
  /** Read each 2xx answer as a token stream (see plan.stream()). */
  stream?: StreamSpec;
}

/** The system's background-traffic request: through the service's proxy, or `direct` to the service. */
export function trafficRequest(system: SystemDefinition, { direct = false } = {}): TrafficRequest {
  const t = system.traffic;
  const svc = system.services[t.service];
  const req: TrafficRequest = {
    url: new URL(t.path, direct ? svc.url : clientUrl(svc)).toString(),
    method: t.method ?? "POST",
    headers: { "content-type": "application/json", ...t.headers },
    body: t.body === undefined ? undefined : typeof t.body === "string" ? t.body : JSON.stringify(t.body),
    ...(t.capture ? { capture: t.capture } : {}),
  };
  return t.stream?.always ? withStream(req, system, true) : req;
}

/**
 * The request streamed as a scenario asks (`trafficStream`): `true` for the system's own `traffic.stream`
 * (the request stays plain when the system declares none), or a stream and body of the scenario's.
 */
export function withStream(
  req: TrafficRequest,
  system: SystemDefinition,
  s: true | (StreamSpec & { body?: unknown }) | undefined,
): TrafficRequest {
  if (!s) return req;
  const own = system.traffic.stream;
  if (s === true && !own) return req;
  const { body, ...stream }: StreamSpec & { body?: unknown } =
    s === true && own ? { kind: own.kind, body: own.body } : (s as StreamSpec & { body?: unknown });
  if (body === undefined) return { ...req, stream };
  return { ...req, stream, body: typeof body === "string" ? body : JSON.stringify(body) };
}

/** Sends the request once: its status (0 when nothing came back in time) and the start of its body. */
export async function sendOnce(
  req: TrafficRequest,
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: (await res.text()).slice(0, 200) };
  } catch (e) {
    // fetch says only "fetch failed": the cause (ECONNREFUSED, a timeout) is what a person needs.
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const cause = err.cause?.code ?? err.cause?.message;
    return { status: 0, text: cause ? `${err.message} (${cause})` : err.message };
  }
}

export interface Sample {
  /** Scheduled start, epoch ms. */
  start: number;
  latencyMs: number;
  /** HTTP status; 0 for a network error or a timeout. */
  status: number;
  ok: boolean;
  error?: string;
  /** The request's captured values, when the traffic captures any (all null without a response). */
  captures?: Captured;
  /** Streaming traffic, a 2xx answer read as a stream: its tokens. */
  stream?: { tokens: number; ttftMs?: number; itlMaxMs?: number; cut?: CutKind };
}

export interface TrafficOptions {
  rate: number;
  timeoutMs: number;
  /** Whether a response counts as a success; default 2xx/3xx (k6's definition). */
  ok?: (status: number) => boolean;
  /** Requests in flight are capped; beyond it a start is recorded as failed ("dropped"), never queued. */
  maxInFlight?: number;
}

export class Traffic {
  readonly samples: Sample[] = [];
  #stopped: AbortController | undefined;
  #pacing: Promise<void> | undefined;
  #inFlight = new Set<Promise<void>>();
  readonly #pendingStarts = new Set<number>();
  /** The next scheduled start not sent yet (epoch ms): after an event-loop stall it is overdue. */
  #nextStart = Number.POSITIVE_INFINITY;
  readonly #agent = new Agent({ keepAliveTimeout: 2000, connections: 256 });
  readonly #captures: Capture[];
  readonly #needBody: boolean;
  readonly #stream: ResolvedStream | undefined;

  /** Throws a ValidationError naming every problem of `req.capture` and `req.stream` before anything is sent. */
  constructor(
    readonly req: TrafficRequest,
    readonly options: TrafficOptions,
  ) {
    this.#captures = parseCaptures(req.capture, "traffic capture", "traffic.capture");
    this.#needBody = capturesNeedBody(this.#captures);
    if (req.stream) {
      const problems = streamProblems(req.stream, "traffic.stream");
      if (problems.length > 0) throw new ValidationError("traffic stream", problems);
      this.#stream = resolveStream(req.stream);
    }
  }

  #capture(status: number, headers?: Record<string, string | string[] | undefined>, body?: string) {
    return this.#captures.length
      ? { captures: captureValues(this.#captures, { status, headers, body }) }
      : {};
  }

  start(): void {
    const t0 = performance.now();
    const epoch0 = Date.now();
    const interval = 1000 / this.options.rate;
    this.#nextStart = epoch0;
    this.#stopped = new AbortController();
    // The load engine's pacer: starts on schedule, a blocked event loop shows as latency, not fewer samples.
    this.#pacing = pace(
      everyInterval(this.options.rate),
      (ms) => {
        this.#fire(epoch0 + ms, t0 + ms);
        this.#nextStart = epoch0 + ms + interval;
      },
      { t0, signal: this.#stopped.signal },
    );
  }

  /** Stops sending and waits (bounded by the request timeout) for requests in flight. */
  async stop(): Promise<Sample[]> {
    this.#stopped?.abort();
    await this.#pacing;
    this.#nextStart = Number.POSITIVE_INFINITY;
    await Promise.allSettled([...this.#inFlight]);
    await this.#agent.close().catch(() => {});
    this.samples.sort((a, b) => a.start - b.start);
    return this.samples;
  }

  /**
   * Start of the oldest request still in flight or overdue (a stalled event loop sends late what was due), or
   * now (epoch ms): samples before it are all complete.
   */
  settledUntil(): number {
    let oldest = Math.min(Date.now(), this.#nextStart);
    for (const s of this.#pendingStarts) if (s < oldest) oldest = s;
    return oldest;
  }

  /** Samples whose start is in [from, to). */
  between(from: number, to: number): Sample[] {
    return this.samples.filter((s) => s.start >= from && s.start < to);
  }

  #fire(start: number, perfStart: number): void {
    if (this.#inFlight.size >= (this.options.maxInFlight ?? 1000)) {
      this.samples.push({ start, latencyMs: 0, status: 0, ok: false, error: "dropped", ...this.#capture(0) });
      return;
    }
    const isOk = this.options.ok ?? ((s: number) => s >= 200 && s < 400);
    this.#pendingStarts.add(start);
    if (this.#stream) {
      this.#fireStream(this.#stream, start, perfStart, isOk);
      return;
    }
    const p = (async () => {
      let status = 0;
      let error: string | undefined;
      let captured = {};
      try {
        const res = await request(this.req.url, {
          method: this.req.method as "GET",
          headers: this.req.headers,
          body: this.req.body,
          dispatcher: this.#agent,
          signal: AbortSignal.timeout(this.options.timeoutMs),
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        });
        status = res.statusCode;
        const text = await res.body.text();
        captured = this.#capture(status, res.headers, this.#needBody ? text : undefined);
      } catch (e) {
        const err = e as Error & { code?: string };
        error =
          err.name === "TimeoutError" || err.name === "AbortError" ? "timeout" : (err.code ?? err.message);
        status = 0;
        captured = this.#capture(0);
      }
      const latencyMs = performance.now() - perfStart;
      this.samples.push({ start, latencyMs, status, ok: status !== 0 && isOk(status), error, ...captured });
      this.#pendingStarts.delete(start);
    })();
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }

  /** One streaming request: the same sample, plus its tokens; a cut stream is a failure. */
  #fireStream(spec: ResolvedStream, start: number, perfStart: number, isOk: (s: number) => boolean): void {
    const url = new URL(this.req.url);
    let itlMaxMs: number | undefined;
    const sink = {
      firstToken: () => {},
      tokens: () => {},
      gap: (ms: number) => {
        if (itlMaxMs === undefined || ms > itlMaxMs) itlMaxMs = ms;
      },
    };
    const p = new Promise<void>((resolve) => {
      const done = (r: StreamReply) => {
        const latencyMs = performance.now() - perfStart;
        const status = r.error === undefined ? r.status : 0;
        const error =
          r.error === undefined ? (r.cut ? `stream cut: ${r.cut}` : undefined) : describeError(r.error);
        const stream = r.streamed
          ? {
              tokens: r.tokens,
              ...(r.firstTokenAt !== undefined ? { ttftMs: r.firstTokenAt - perfStart } : {}),
              ...(itlMaxMs !== undefined ? { itlMaxMs } : {}),
              ...(r.cut ? { cut: r.cut } : {}),
            }
          : undefined;
        const captured = this.#capture(status, r.headers, this.#needBody ? r.body : undefined);
        this.samples.push({
          start,
          latencyMs,
          status,
          ok: status !== 0 && isOk(status) && r.cut === undefined,
          error,
          ...captured,
          ...(stream ? { stream } : {}),
        });
        this.#pendingStarts.delete(start);
        resolve();
      };
      sendStream(
        this.#agent,
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: this.req.method as "GET",
          headers: this.req.headers,
          body: this.req.body,
          headersTimeout: this.options.timeoutMs,
          bodyTimeout: this.options.timeoutMs,
        },
        spec,
        sink,
        perfStart,
        this.#needBody || this.#captures.length > 0,
        done,
        this.options.timeoutMs,
      );
    });
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  }
}

function describeError(e: unknown): string {
  const err = e as Error & { code?: string };
  if (/exceeded|no token/.test(err.message ?? "")) return "timeout";
  return err.code ?? err.message ?? String(e);
}
