// The rbee team's three load patterns as plan factories, with their thresholds. Durations are scaled at run time, so `--time-scale` / `--quick` apply; users think 1 s
// between requests, as the k6 scripts they replace did with sleep(1).
import { type Duration, type LoadPlan, load } from "../../sdk/index.ts";

export interface PatternOptions {
  /** Base URL of the system under test (can also be given to run()). */
  target?: string;
  /** Think time of each user (default 1s). */
  thinkTime?: Duration;
}

/** error rate < 1%, p95 < 500 ms, p99 < 1000 ms, success > 99%. */
export const RBEE_THRESHOLDS = {
  http_req_failed: ["rate<0.01"],
  http_req_duration: ["p(95)<500", "p(99)<1000"],
  checks: ["rate>0.99"],
} as const;

/** The request rbee's users send: POST /v1/inference with a tiny prompt. */
export const INFERENCE_REQUEST = {
  method: "POST",
  url: "/v1/inference",
  headers: { "content-type": "application/json" },
  body: { prompt: "Say hello", max_tokens: 8, stream: false },
};

function finish(plan: LoadPlan, name: string, o: PatternOptions): LoadPlan {
  let p = plan
    .named(name)
    .request(INFERENCE_REQUEST)
    .thinkTime(o.thinkTime ?? "1s")
    .check("status is 2xx", (res) => res.status >= 200 && res.status < 300)
    .thresholds({
      http_req_failed: [...RBEE_THRESHOLDS.http_req_failed],
      http_req_duration: [...RBEE_THRESHOLDS.http_req_duration],
      checks: [...RBEE_THRESHOLDS.checks],
    });
  if (o.target) p = p.target(o.target);
  return p;
}

/** Inference: 0→1000 users in 5 min, hold 10 min, down in 1 min. */
export function inferencePattern(o: PatternOptions = {}): LoadPlan {
  return finish(load.ramp(0, 1000, "5m").hold("10m").ramp(0, "1m"), "inference-load", o);
}

/** Stress: 100→5000 users in 12 min, hold 5 min, down in 2 min. */
export function stressPattern(o: PatternOptions = {}): LoadPlan {
  return finish(load.ramp(100, 5000, "12m").hold("5m").ramp(0, "2m"), "stress-load", o);
}

/** Spike: 100 users, →2000 in 10 s, hold 1 min, back to 100, →3000 in 10 s, hold 1 min. */
export function spikePattern(o: PatternOptions = {}): LoadPlan {
  return finish(
    load
      .spike(100, 2000, { rise: "10s", hold: "1m", fall: "10s" })
      .spike(3000, { rise: "10s", hold: "1m", fall: 0 }),
    "spike-load",
    o,
  );
}
