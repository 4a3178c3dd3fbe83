// LT-001's inference pattern with streaming on: the same users, stages, think time, check and thresholds, the
// request asking the gateway for a token stream, and thresholds on the tokens a user sees.
import type { LoadPlan } from "../../sdk/index.ts";
import { INFERENCE_REQUEST, inferencePattern, type PatternOptions } from "./rbee-patterns.ts";

/** Time to first token p95 < 300 ms, inter-token latency p95 < 100 ms, cut streams < 1%. */
export const STREAM_THRESHOLDS = {
  time_to_first_token: ["p(95)<300"],
  inter_token_latency: ["p(95)<100"],
  streams_cut: ["rate<0.01"],
} as const;

/** A token may be late, not lost: 2 s without one and the stream counts as cut (stalled). */
export const INTER_TOKEN_TIMEOUT = "2s";

export function streamingInferencePattern(o: PatternOptions = {}): LoadPlan {
  return inferencePattern(o)
    .named("streaming-inference-load")
    .request({ ...INFERENCE_REQUEST, body: { ...INFERENCE_REQUEST.body, stream: true } })
    .stream("sse", { interTokenTimeout: INTER_TOKEN_TIMEOUT })
    .thresholds({
      time_to_first_token: [...STREAM_THRESHOLDS.time_to_first_token],
      inter_token_latency: [...STREAM_THRESHOLDS.inter_token_latency],
      streams_cut: [...STREAM_THRESHOLDS.streams_cut],
    });
}
