// Validation of a plan's data: every problem at once, with a path to each, before any load starts.
import { captureProblems } from "../core/capture.ts";
import { durationProblem } from "../core/duration.ts";
import type { Problem } from "../core/errors.ts";
import type { PlanState } from "./plan.ts";
import { requestProblems } from "./request-spec.ts";
import { streamProblems } from "./stream/stream-spec.ts";
import { groupThresholds, thresholdProblems } from "./thresholds.ts";

const STREAM_METRICS = [
  "time_to_first_token",
  "inter_token_latency",
  "time_per_output_token",
  "output_tokens",
  "streams_cut",
];

export function planProblems(s: PlanState, o: { baseUrl?: string; needTarget?: boolean } = {}): Problem[] {
  const problems: Problem[] = [];
  const unit = s.model === "closed" ? "users" : "requests per second";
  const level = (v: unknown, path: string) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      problems.push({ path, message: `expected a number of ${unit}, found ${JSON.stringify(v)}` });
    } else if (v < 0) {
      problems.push({ path, message: `must not be negative, found ${v}` });
    } else if (s.model === "closed" && !Number.isInteger(v)) {
      problems.push({ path, message: `virtual users must be a whole number, found ${v}` });
    }
  };
  level(s.start, s.model === "closed" ? "startUsers" : "startRate");
  if (s.stages.length === 0) problems.push({ path: "stages", message: "a plan needs at least one stage" });
  s.stages.forEach((st, i) => {
    const dp = durationProblem(st?.duration, { positive: true });
    if (dp) problems.push({ path: `stages[${i}].duration`, message: dp });
    level(st?.target, `stages[${i}].target`);
  });
  const levels = [s.start, ...s.stages.map((x) => x?.target)];
  const sane = levels.every((v) => typeof v === "number" && Number.isFinite(v) && v >= 0);
  if (s.model === "closed" && s.stages.length > 0 && sane && Math.max(...levels) <= 0) {
    problems.push({ path: "stages", message: "no stage has any virtual users: nothing would be sent" });
  }
  const td = durationProblem(s.thinkTime);
  if (td) problems.push({ path: "thinkTime", message: td });
  if (s.model === "open" && s.thinkTime !== 0 && s.thinkTime !== "0s") {
    problems.push({
      path: "thinkTime",
      message: "the open model has no think time: arrivals follow the rate",
    });
  }
  const to = durationProblem(s.timeout, { positive: true });
  if (to) problems.push({ path: "timeout", message: to });
  const gs = durationProblem(s.gracefulStop);
  if (gs) problems.push({ path: "gracefulStop", message: gs });
  if (s.maxInFlight !== undefined && (!Number.isInteger(s.maxInFlight) || s.maxInFlight < 1)) {
    problems.push({
      path: "maxInFlight",
      message: `expected a whole number ≥ 1, found ${JSON.stringify(s.maxInFlight)}`,
    });
  }
  if (typeof s.name !== "string" || s.name.trim() === "") {
    problems.push({ path: "name", message: "expected a non-empty name" });
  }
  const base = o.baseUrl ?? s.target;
  problems.push(
    ...requestProblems(s.request, base).filter(
      (p) => o.needTarget || p.path !== "target" || base !== undefined,
    ),
  );
  const names = new Set<string>();
  s.checks.forEach((c, i) => {
    if (typeof c.name !== "string" || c.name.trim() === "")
      problems.push({ path: `checks[${i}]`, message: "a check needs a name" });
    else if (names.has(c.name))
      problems.push({ path: `checks[${i}]`, message: `duplicate check name ${JSON.stringify(c.name)}` });
    names.add(c.name);
    if (typeof c.fn !== "function")
      problems.push({ path: `checks[${i}]`, message: "a check needs a function (res) => boolean" });
  });
  if (s.capture !== undefined) problems.push(...captureProblems(s.capture, "capture"));
  if (s.maxCaptureValues !== undefined && (!Number.isInteger(s.maxCaptureValues) || s.maxCaptureValues < 1))
    problems.push({
      path: "capture.maxValues",
      message: `expected a whole number ≥ 1, found ${JSON.stringify(s.maxCaptureValues)}`,
    });
  if (s.stream !== undefined) problems.push(...streamProblems(s.stream));
  const map = groupThresholds(s.thresholds);
  problems.push(...thresholdProblems(map));
  if (s.stream === undefined) {
    for (const metric of Object.keys(map))
      if (STREAM_METRICS.includes(metric))
        problems.push({
          path: `thresholds.${metric}`,
          message: `${metric} is measured on token streams: add plan.stream("sse" | "chunked" | "ndjson")`,
        });
  }
  return problems;
}
