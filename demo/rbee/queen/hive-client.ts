// One attempt of the queen at the hive, bounded by a connect and a first-token timeout. Resolves once the
// first token is in, or with the failure and whether it may be retried. By default every attempt opens a
// fresh connection, so that a keep-alive pool can neither hide a network fault (a pool keeps the connections
// that survived) nor hand a retry a poisoned socket; `--keep-alive` lets first attempts use a pool.
import { Agent, type ClientRequest, type IncomingMessage, request } from "node:http";
import { descriptorError } from "../lib/fd-watch.ts";

const pool = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 });
// The same wire behaviour as `agent: false` (a new connection, `Connection: close`), without a new Agent each.
const fresh = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

export interface HiveTimeouts {
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  /** `no-timeouts`: wait for ever. */
  enabled: boolean;
}

export interface OpenStream {
  worker: string;
  /** Everything read up to and including the first token event. */
  head: string;
  upstream: IncomingMessage;
  request: ClientRequest;
}

export interface HiveFailure {
  kind: "refused" | "connect-timeout" | "reset" | "first-byte-timeout" | "status" | "error-event";
  reason: string;
  status?: number;
  retryAfter?: string;
  /** Connect errors, resets, 502/503 and error events before the first token may be retried. */
  retriable: boolean;
}

export type OpenResult = { ok: true; stream: OpenStream } | { ok: false; failure: HiveFailure };

export function openHiveStream(
  hiveUrl: string,
  payload: string,
  t: HiveTimeouts,
  signal: AbortSignal,
  freshConnection: boolean,
): Promise<OpenResult> {
  return new Promise<OpenResult>((resolve) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    let firstTimer: NodeJS.Timeout | undefined;
    const req = request(`${hiveUrl}/v1/infer`, {
      method: "POST",
      agent: freshConnection ? fresh : pool,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    });
    const settle = (r: OpenResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(firstTimer);
      signal.removeEventListener("abort", onAbort);
      if (!r.ok) req.destroy();
      resolve(r);
    };
    const fail = (kind: HiveFailure["kind"], reason: string, extra: Partial<HiveFailure> = {}) => {
      const retriable =
        kind === "refused" ||
        kind === "connect-timeout" ||
        kind === "reset" ||
        kind === "error-event" ||
        (kind === "status" && (extra.status === 502 || extra.status === 503));
      settle({ ok: false, failure: { kind, reason, retriable, ...extra } });
    };
    const onAbort = () => fail("reset", "client went away");
    signal.addEventListener("abort", onAbort);
    if (t.enabled) {
      connectTimer = setTimeout(
        () => fail("connect-timeout", `connect to the hive timed out after ${t.connectTimeoutMs} ms`),
        t.connectTimeoutMs,
      );
      firstTimer = setTimeout(
        () => fail("first-byte-timeout", `no first token from the hive within ${t.firstByteTimeoutMs} ms`),
        t.firstByteTimeoutMs,
      );
    }
    req.on("socket", (s) => {
      if (s.connecting) s.once("connect", () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      descriptorError(err);
      if (err.code === "ECONNREFUSED") fail("refused", "the hive refused the connection");
      else fail("reset", `hive connection failed: ${err.code ?? err.message}`);
    });
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < 65536) text += c;
        });
        res.on("end", () => {
          let reason = `the hive answered ${res.statusCode}`;
          try {
            const body = JSON.parse(text) as { reason?: string; error?: string };
            reason = body.reason ?? body.error ?? reason;
          } catch {}
          fail("status", reason, {
            status: res.statusCode,
            retryAfter:
              typeof res.headers["retry-after"] === "string" ? res.headers["retry-after"] : undefined,
          });
        });
        res.on("error", () => fail("reset", `hive answer ${res.statusCode} broke off`));
        return;
      }
      let head = "";
      const onData = (chunk: Buffer) => {
        head += chunk.toString("utf8");
        if (head.includes("event: error")) return fail("error-event", errorReason(head));
        if (!/(^|\n)data:/.test(head) || !head.includes("\n\n")) return;
        res.off("data", onData);
        res.off("end", onEnd);
        res.pause();
        const worker =
          typeof res.headers["x-rbee-worker"] === "string" ? res.headers["x-rbee-worker"] : "unknown";
        settle({ ok: true, stream: { worker, head, upstream: res, request: req } });
      };
      const onEnd = () => fail("reset", "the hive ended the stream before any token");
      res.on("data", onData);
      res.on("end", onEnd);
      res.on("error", () => fail("reset", "the hive stream broke before any token"));
    });
    req.end(payload);
  });
}

function errorReason(text: string): string {
  const m = /event: error\ndata: (.*)/.exec(text);
  try {
    const body = JSON.parse(m?.[1] ?? "") as { reason?: string; error?: string };
    return body.reason ?? body.error ?? "error event before the first token";
  } catch {
    return "error event before the first token";
  }
}
