// The pooled HTTP client of the embedded open-model and think-time engines: undici's Pool driven through
// dispatch() with a bare handler object, so a request costs no stream, promise or body buffer unless a
// check needs the body.
import type { IncomingHttpHeaders } from "node:http";
import { Pool } from "undici";
import type { ResolvedRequest } from "../request-spec.ts";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: unknown;
}

export type ReplyCallback = (r: Reply) => void;

export function createPool(origin: string, connections: number, timeoutMs: number): Pool {
  return new Pool(origin, {
    connections: Math.max(1, connections),
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 10_000),
  });
}

const NO_HEADERS: Record<string, string | string[] | undefined> = Object.freeze({}) as Record<string, never>;

// One object per request, methods on the prototype: the cheapest handler undici accepts.
class Call {
  status = 0;
  headers = NO_HEADERS;
  chunks: Buffer[] | undefined = undefined;
  done = false;
  constructor(
    readonly wantBody: boolean,
    readonly cb: ReplyCallback,
    readonly wantHeaders: boolean,
  ) {}
  onRequestStart(): void {}
  onResponseStart(_c: unknown, statusCode: number, headers: IncomingHttpHeaders): void {
    this.status = statusCode;
    if (this.wantHeaders) this.headers = headers;
    if (this.wantBody) this.chunks = [];
  }
  onResponseData(_c: unknown, chunk: Buffer): void {
    this.chunks?.push(chunk);
  }
  onResponseEnd(): void {
    this.finish(undefined);
  }
  onResponseError(_c: unknown, err: Error): void {
    this.finish(err);
  }
  finish(error: unknown): void {
    if (this.done) return;
    this.done = true;
    if (error !== undefined) this.cb({ status: 0, headers: NO_HEADERS, body: "", error });
    else {
      const body = this.chunks ? Buffer.concat(this.chunks).toString("utf8") : "";
      this.cb({ status: this.status, headers: this.headers, body });
    }
  }
}

export type DispatchOptions = Parameters<Pool["dispatch"]>[0];

/** Built once per run: undici reads these options, it does not keep or change them. */
export function dispatchOptions(req: ResolvedRequest): DispatchOptions {
  return {
    origin: req.origin,
    path: req.path,
    method: req.method as "GET",
    headers: req.headers,
    body: req.body,
  };
}

/**
 * Sends one request; `cb` is called exactly once, with status 0 and `error` when there is no response. The
 * body is kept only when `wantBody`, the headers only when `wantHeaders` (default: with the body).
 */
export function send(
  pool: Pool,
  opts: DispatchOptions,
  wantBody: boolean,
  cb: ReplyCallback,
  wantHeaders = wantBody,
): void {
  const call = new Call(wantBody, cb, wantHeaders);
  try {
    pool.dispatch(opts, call);
  } catch (err) {
    call.finish(err);
  }
}
