// What a streaming request is and how its tokens are told apart: the framing (SSE events, NDJSON lines or raw
// chunks), how many tokens one unit carries, which unit ends the stream properly, and the longest silence
// between tokens before the client gives up on it.
import { type Duration, durationProblem, parseDuration } from "../../core/duration.ts";
import type { Problem } from "../../core/errors.ts";

export type StreamKind = "sse" | "chunked" | "ndjson";

export const STREAM_KINDS: readonly StreamKind[] = ["sse", "chunked", "ndjson"];

/** One unit of a stream: an SSE event (`event` "" when unnamed), or an NDJSON line / a chunk (`event` ""). */
export interface StreamEvent {
  event: string;
  data: string;
}

export interface StreamOptions {
  /**
   * Tokens carried by one unit. Default: SSE, 1 per event that is not `done` or `error` and not `[DONE]`;
   * NDJSON, 1 per non-empty line that is not the done line; chunked, 1 per chunk.
   */
  tokens?: (e: StreamEvent) => number;
  /**
   * Whether a unit ends the stream properly; after it the response must end. `"end"`: the response's own end
   * is proper. Default: SSE, an event named `done` or data `[DONE]`; NDJSON, a line whose JSON has
   * `"done": true`; chunked, "end".
   */
  done?: ((e: StreamEvent) => boolean) | "end";
  /** Whether a unit reports a failure (the stream is then cut). Default: SSE, an event named `error`. */
  error?: (e: StreamEvent) => boolean;
  /**
   * The longest gap between two tokens before the stream is cut. Default 10s. The wait for the first token
   * is bounded by the request's timeout (plan.timeout()) instead: a queue may hold a request that long.
   */
  interTokenTimeout?: Duration;
}

/** A stream as a plan holds it. */
export interface StreamSpec extends StreamOptions {
  kind: StreamKind;
}

/** A stream after resolution: every default filled in. */
export interface ResolvedStream {
  kind: StreamKind;
  tokens: (e: StreamEvent) => number;
  /** undefined: the response's end is proper. */
  done: ((e: StreamEvent) => boolean) | undefined;
  error: ((e: StreamEvent) => boolean) | undefined;
  interTokenTimeoutMs: number;
}

export const DEFAULT_INTER_TOKEN_TIMEOUT = "10s";

const sseDone = (e: StreamEvent) => e.event === "done" || e.data === "[DONE]";
const sseError = (e: StreamEvent) => e.event === "error";
const sseTokens = (e: StreamEvent) =>
  (e.event === "" || e.event === "message") && e.data !== "[DONE]" ? 1 : 0;

function ndjsonDone(e: StreamEvent): boolean {
  // cheap test first: most lines are tokens and never parsed
  if (!e.data.includes('"done"')) return false;
  try {
    return (JSON.parse(e.data) as { done?: unknown }).done === true;
  } catch {
    return false;
  }
}

export function resolveStream(s: StreamSpec): ResolvedStream {
  const interTokenTimeoutMs = parseDuration(s.interTokenTimeout ?? DEFAULT_INTER_TOKEN_TIMEOUT);
  const done =
    s.done === "end"
      ? undefined
      : (s.done ?? (s.kind === "sse" ? sseDone : s.kind === "ndjson" ? ndjsonDone : undefined));
  const error = s.error ?? (s.kind === "sse" ? sseError : undefined);
  let tokens = s.tokens;
  if (!tokens) {
    if (s.kind === "sse") tokens = sseTokens;
    else if (s.kind === "ndjson") tokens = (e) => (e.data.trim() === "" || done?.(e) ? 0 : 1);
    else tokens = () => 1;
  }
  return { kind: s.kind, tokens, done, error, interTokenTimeoutMs };
}

/** Every problem with a stream spec. */
export function streamProblems(s: StreamSpec, prefix = "stream"): Problem[] {
  const problems: Problem[] = [];
  if (!STREAM_KINDS.includes(s.kind)) {
    problems.push({
      path: `${prefix}.kind`,
      message: `expected one of ${STREAM_KINDS.map((k) => `"${k}"`).join(", ")}, found ${JSON.stringify(s.kind)}`,
    });
  }
  if (s.tokens !== undefined && typeof s.tokens !== "function")
    problems.push({ path: `${prefix}.tokens`, message: "expected a function (event) => number of tokens" });
  if (s.done !== undefined && s.done !== "end" && typeof s.done !== "function")
    problems.push({ path: `${prefix}.done`, message: 'expected a function (event) => boolean, or "end"' });
  if (s.error !== undefined && typeof s.error !== "function")
    problems.push({ path: `${prefix}.error`, message: "expected a function (event) => boolean" });
  if (s.interTokenTimeout !== undefined) {
    const p = durationProblem(s.interTokenTimeout, { positive: true });
    if (p) problems.push({ path: `${prefix}.interTokenTimeout`, message: p });
  }
  return problems;
}
