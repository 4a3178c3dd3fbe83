// The part of a streaming plan that k6 can express. k6's http module hands a script the whole body once the
// response has ended, so the script can count the tokens of each response (output_tokens, a Counter) and
// tell a whole stream from a cut one (streams_cut, a Rate), but cannot time tokens: time_to_first_token,
// inter_token_latency and time_per_output_token are left out of the script, each named in a comment, and
// the inter-token timeout becomes nothing more than the request's timeout.
import type { ResolvedPlan } from "../resolve-plan.ts";
import type { StreamSpec } from "../stream/stream-spec.ts";

/** Token metrics k6 cannot measure from a whole body. */
export const K6_UNTIMED_METRICS = ["time_to_first_token", "inter_token_latency", "time_per_output_token"];

const FRAMERS: Record<StreamSpec["kind"], string> = {
  sse: `function units(body) {
  const out = [];
  for (const block of body.replace(/\\r\\n?/g, "\\n").split("\\n\\n")) {
    let event = "";
    let data;
    for (const line of block.split("\\n")) {
      if (line === "" || line[0] === ":") continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? "" : line.slice(i + 1);
      if (value[0] === " ") value = value.slice(1);
      if (field === "data") data = data === undefined ? value : data + "\\n" + value;
      else if (field === "event") event = value;
    }
    if (data !== undefined) out.push({ event, data });
  }
  return out;
}`,
  ndjson: `function units(body) {
  return body.split("\\n").map((l) => l.replace(/\\r$/, "")).filter((l) => l.trim() !== "").map((data) => ({ event: "", data }));
}`,
  // k6 cannot see the reads of a body: the whole body is one unit
  chunked: `function units(body) {
  return body === "" ? [] : [{ event: "", data: body }];
}`,
};

const DEFAULT_DONE: Record<StreamSpec["kind"], string> = {
  sse: '(e) => e.event === "done" || e.data === "[DONE]"',
  ndjson: `(e) => { try { return JSON.parse(e.data).done === true; } catch { return false; } }`,
  chunked: "undefined",
};

const DEFAULT_TOKENS: Record<StreamSpec["kind"], string> = {
  sse: '(e) => ((e.event === "" || e.event === "message") && e.data !== "[DONE]" ? 1 : 0)',
  ndjson: "(e) => (STREAM_DONE && STREAM_DONE(e) ? 0 : 1)",
  chunked: "() => 1",
};

/** The script lines that declare the stream metrics and judge one response; empty without a stream. */
export function k6StreamParts(
  plan: ResolvedPlan,
  spec: StreamSpec | undefined,
): { head: string[]; body: string[] } {
  if (!plan.stream || !spec) return { head: [], body: [] };
  const done = spec.done === "end" ? "undefined" : spec.done ? spec.done.toString() : DEFAULT_DONE[spec.kind];
  const error = spec.error
    ? spec.error.toString()
    : spec.kind === "sse"
      ? '(e) => e.event === "error"'
      : "undefined";
  const tokens = spec.tokens ? spec.tokens.toString() : DEFAULT_TOKENS[spec.kind];
  const head = [
    `// Streaming (${spec.kind}): k6 reads the whole body, so it counts tokens and cut streams but cannot time`,
    `// tokens; thresholds on ${K6_UNTIMED_METRICS.join(", ")} are left out.`,
    'import { Counter, Rate } from "k6/metrics";',
    'const outputTokens = new Counter("output_tokens");',
    'const streamsCut = new Rate("streams_cut");',
    `const STREAM_DONE = ${done};`,
    `const STREAM_ERROR = ${error};`,
    `const STREAM_TOKENS = ${tokens};`,
    FRAMERS[spec.kind],
    "function judgeStream(res) {",
    "  if (res.status < 200 || res.status >= 300) return;",
    "  let tokens = 0;",
    "  let ended = STREAM_DONE === undefined && res.error === '';",
    "  let cut = false;",
    "  for (const e of units(String(res.body || ''))) {",
    "    if (ended && STREAM_DONE !== undefined) break;",
    "    if (STREAM_ERROR && STREAM_ERROR(e)) { cut = true; break; }",
    "    tokens += STREAM_TOKENS(e);",
    "    if (STREAM_DONE && STREAM_DONE(e)) ended = true;",
    "  }",
    "  outputTokens.add(tokens);",
    "  streamsCut.add(cut || !ended);",
    "}",
  ];
  return { head, body: ["  judgeStream(res);"] };
}
