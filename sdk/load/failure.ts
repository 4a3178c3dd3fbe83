// k6's definition of failure: a response is expected when its status is 200–399 (autocannon's non2xx
// counts 3xx as failures; k6 does not). Requests without a response are failures, sorted by kind.
import type { ErrorKind } from "./types.ts";

export function isExpectedStatus(status: number): boolean {
  return status >= 200 && status < 400;
}

const KIND_BY_CODE: Record<string, ErrorKind> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  UND_ERR_SOCKET: "reset",
  ETIMEDOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  UND_ERR_CLOSED: "closed",
  UND_ERR_DESTROYED: "closed",
  UND_ERR_ABORTED: "aborted",
  ABORT_ERR: "aborted",
};

/** Sorts a network error into a kind; autocannon's timeouts are plain Errors named by their message. */
export function errorKind(err: unknown): ErrorKind {
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code;
  if (code && KIND_BY_CODE[code]) return KIND_BY_CODE[code];
  if (e?.name === "AbortError") return "aborted";
  if (/timed? ?out/i.test(e?.message ?? "")) return "timeout";
  return "other";
}
