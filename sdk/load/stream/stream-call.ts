// One streaming request on undici's dispatch API: the body is framed into units as it arrives, tokens are
// counted and timed (first token from the request's start, every gap between tokens handed to the sink as it
// happens), and the stream's end is judged: proper (the done unit, or the response's end when that is the
// rule), or cut by a reset, an end before done, an error unit, or a silence between two tokens longer than
// the inter-token timeout (the client then aborts it, as a user would).
import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import type { DispatchOptions } from "../engines/http-client.ts";
import { errorKind } from "../failure.ts";
import type { CutKind, ErrorKind } from "../types.ts";
import { createStreamParser, type StreamParser } from "./stream-parser.ts";
import type { ResolvedStream, StreamEvent } from "./stream-spec.ts";

/** How one streaming request went. */
export interface StreamReply {
  /** HTTP status, 0 without a response. */
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The whole body, when asked for (checks, captures). */
  body: string;
  /** Set when there was no response (or it broke before its head). */
  error?: unknown;
  /** True when the response was 2xx and its body was read as a stream. */
  streamed: boolean;
  tokens: number;
  /** performance.now() of the first and the latest token. */
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** Set when the stream did not end properly. */
  cut?: CutKind;
}

/** Where a stream's tokens are recorded as they arrive (the run's Recorder). */
export interface TokenSink {
  /** The first token, `ms` after the request's (scheduled) start, at performance.now() `at`. */
  firstToken(ms: number, at: number): void;
  /** A gap between two tokens, ms, ending at `at`. */
  gap(ms: number, at: number): void;
  /** `n` tokens arrived at `at`. */
  tokens(n: number, at: number): void;
}

type Controller = { abort(reason: Error): void };

const NO_HEADERS: Record<string, string | string[] | undefined> = Object.freeze({}) as Record<string, never>;

class TokenTimeout extends Error {
  constructor(message: string) {
    super(message);
  }
}

class StreamCall implements StreamReply {
  status = 0;
  headers = NO_HEADERS;
  body = "";
  error?: unknown;
  streamed = false;
  tokens = 0;
  firstTokenAt?: number;
  lastTokenAt?: number;
  cut?: CutKind;
  #chunks: Buffer[] | undefined;
  #parser: StreamParser | undefined;
  #controller: Controller | undefined;
  #timer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #sawDone = false;
  #finished = false;
  readonly #emit = (e: StreamEvent) => this.#unit(e);

  constructor(
    readonly spec: ResolvedStream,
    readonly sink: TokenSink,
    readonly start: number,
    readonly wantBody: boolean,
    readonly cb: (r: StreamReply) => void,
    readonly totalMs?: number,
  ) {}

  onRequestStart(controller: Controller): void {
    this.#controller = controller;
    if (this.totalMs !== undefined) this.#deadline = setTimeout(this.#onDeadline, this.totalMs);
  }

  readonly #onDeadline = () => {
    this.#deadline = undefined;
    if (this.#finished) return;
    if (this.streamed && !this.#sawDone && this.cut === undefined) this.cut = "timeout";
    this.#controller?.abort(new TokenTimeout(`the request exceeded ${this.totalMs} ms`));
  };

  onResponseStart(_c: unknown, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    if (this.wantBody) {
      this.headers = headers;
      this.#chunks = [];
    }
    if (statusCode >= 200 && statusCode < 300) {
      this.streamed = true;
      this.#parser = createStreamParser(this.spec.kind);
    } else this.#clearTimer();
  }

  onResponseData(_c: unknown, chunk: Buffer): void {
    this.#chunks?.push(chunk);
    this.#parser?.push(chunk, this.#emit);
  }

  onResponseEnd(): void {
    this.#parser?.end(this.#emit);
    if (this.streamed && this.cut === undefined && this.spec.done !== undefined && !this.#sawDone)
      this.cut = "eof";
    this.#finish(undefined);
  }

  onResponseError(_c: unknown, err: Error): void {
    // after the done unit the stream was whole, whatever happens to the rest of the body
    if (this.streamed && this.cut === undefined && !this.#sawDone) this.cut = "reset";
    this.#finish(err);
  }

  #unit(e: StreamEvent): void {
    if (this.#sawDone || this.cut !== undefined) return;
    const spec = this.spec;
    if (spec.error?.(e)) {
      this.cut = "error";
      this.#clearTimer();
      return;
    }
    const n = spec.tokens(e);
    if (n > 0) {
      const now = performance.now();
      if (this.lastTokenAt === undefined) {
        this.firstTokenAt = now;
        this.sink.firstToken(now - this.start, now);
      } else this.sink.gap(now - this.lastTokenAt, now);
      // the tokens of one unit arrived together: their gaps are 0
      for (let i = 1; i < n; i++) this.sink.gap(0, now);
      this.lastTokenAt = now;
      this.tokens += n;
      this.sink.tokens(n, now);
      // the wait for the first token is the request timeout's (a queue may hold it); the gaps are this one's
      if (this.#timer) this.#timer.refresh();
      else if (!this.#sawDone) this.#timer = setTimeout(this.#onSilence, this.spec.interTokenTimeoutMs);
    }
    if (spec.done?.(e)) {
      this.#sawDone = true;
      this.#clearTimer();
    }
  }

  readonly #onSilence = () => {
    this.#timer = undefined;
    if (this.#finished || this.#sawDone || this.lastTokenAt === undefined) return;
    this.cut = "timeout";
    // the wait the client gave up on is a gap at least this long
    const now = performance.now();
    this.sink.gap(now - this.lastTokenAt, now);
    this.#controller?.abort(new TokenTimeout(`no token for ${this.spec.interTokenTimeoutMs} ms`));
  };

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #finish(error: unknown): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#clearTimer();
    if (this.#deadline) clearTimeout(this.#deadline);
    if (error !== undefined && !this.streamed) {
      this.status = 0;
      this.headers = NO_HEADERS;
      this.error = error;
    } else if (this.#chunks) this.body = Buffer.concat(this.#chunks).toString("utf8");
    this.#chunks = undefined;
    this.cb(this);
  }
}

/**
 * Sends one streaming request (`start`: its performance.now() start, scheduled or actual); `cb` is called
 * exactly once, when the response ended, broke or was cut. `totalMs` bounds the whole request.
 */
export function sendStream(
  pool: Dispatcher,
  opts: DispatchOptions,
  spec: ResolvedStream,
  sink: TokenSink,
  start: number,
  wantBody: boolean,
  cb: (r: StreamReply) => void,
  totalMs?: number,
): void {
  const call = new StreamCall(spec, sink, start, wantBody, cb, totalMs);
  try {
    pool.dispatch(opts, call as never);
  } catch (err) {
    call.onResponseError(undefined, err as Error);
  }
}

const KIND_BY_CUT: Record<CutKind, ErrorKind> = {
  reset: "reset",
  eof: "closed",
  timeout: "timeout",
  error: "other",
};

/** Why a streaming request failed without a whole stream (undefined when it did not). */
export function streamErrorKind(r: StreamReply): ErrorKind | undefined {
  if (r.cut !== undefined) return KIND_BY_CUT[r.cut];
  if (r.error === undefined) return undefined;
  return r.error instanceof TokenTimeout ? "timeout" : errorKind(r.error);
}
