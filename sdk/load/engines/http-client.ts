// The pooled HTTP client of the embedded open-model and think-time engines: undici's Pool driven through
// dispatch() with a bare handler, so a request costs no stream, promise or body object unless a check
// needs the body.
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

/** Sends one request; `cb` is called exactly once, with status 0 and `error` when there is no response. */
export function send(pool: Pool, req: ResolvedRequest, wantBody: boolean, cb: ReplyCallback): void {
  let status = 0;
  let headers = NO_HEADERS;
  let chunks: Buffer[] | undefined;
  let done = false;
  const finish = (error?: unknown) => {
    if (done) return;
    done = true;
    const body = chunks ? Buffer.concat(chunks).toString("utf8") : "";
    cb(error === undefined ? { status, headers, body } : { status: 0, headers: NO_HEADERS, body: "", error });
  };
  try {
    pool.dispatch(
      {
        origin: req.origin,
        path: req.path,
        method: req.method as "GET",
        headers: req.headers,
        body: req.body,
      },
      {
        onRequestStart() {},
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          if (wantBody) {
            headers = h as Record<string, string | string[] | undefined>;
            chunks = [];
          }
        },
        onResponseData(_c, chunk) {
          chunks?.push(chunk);
        },
        onResponseEnd() {
          finish();
        },
        onResponseError(_c, err) {
          finish(err);
        },
      },
    );
  } catch (err) {
    finish(err);
  }
}
