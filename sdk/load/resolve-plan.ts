// A plan resolved for running: durations scaled (`--time-scale`, `--quick`) and in ms, the request
// resolved against the base URL, thresholds parsed. Engines and exporters read only this.
import { type Capture, parseCaptures } from "../core/capture.ts";
import { parseDuration, scaledDuration } from "../core/duration.ts";
import type { Check } from "./checks.ts";
import type { PlanState } from "./plan.ts";
import { type ResolvedRequest, resolveRequest } from "./request-spec.ts";
import { type ResolvedStream, resolveStream } from "./stream/stream-spec.ts";
import { groupThresholds, parseThresholds, type Threshold } from "./thresholds.ts";
import type { LoadModel, PlannedStage } from "./types.ts";

export interface ResolvedPlan {
  name: string;
  model: LoadModel;
  startTarget: number;
  stages: PlannedStage[];
  totalMs: number;
  /** Closed: the most users; open: the in-flight cap. */
  maxUsers: number;
  thinkTimeMs: number;
  request: ResolvedRequest;
  checks: readonly Check[];
  /** Values captured from each response (none when the plan captures nothing). */
  captures: Capture[];
  maxCaptureValues?: number;
  thresholds: Threshold[];
  timeoutMs: number;
  gracefulStopMs: number;
  /** Streaming plans: how responses are read as token streams. */
  stream?: ResolvedStream;
}

export function resolvePlan(s: PlanState, baseUrl?: string): ResolvedPlan {
  const stages = s.stages.map((st, i) => ({
    durationMs: scaledDuration(st.duration, `stages[${i}].duration`),
    target: st.target,
  }));
  const peak = Math.max(s.start, ...stages.map((x) => x.target));
  const map = groupThresholds(s.thresholds);
  return {
    name: s.name,
    model: s.model,
    startTarget: s.start,
    stages,
    totalMs: stages.reduce((sum, x) => sum + x.durationMs, 0),
    // the open model's default cap allows one second of latency at the peak rate before dropping
    maxUsers: s.model === "closed" ? peak : (s.maxInFlight ?? Math.max(10, Math.ceil(peak))),
    // think time is part of the load level (users / think), not a phase: it is not time-scaled
    thinkTimeMs: parseDuration(s.thinkTime, "thinkTime"),
    request: resolveRequest(s.request, baseUrl ?? s.target),
    checks: s.checks,
    captures: parseCaptures(s.capture, `load plan "${s.name}"`),
    ...(s.maxCaptureValues !== undefined ? { maxCaptureValues: s.maxCaptureValues } : {}),
    thresholds: parseThresholds(map),
    timeoutMs: parseDuration(s.timeout, "timeout"),
    gracefulStopMs: parseDuration(s.gracefulStop, "gracefulStop"),
    ...(s.stream ? { stream: resolveStream(s.stream) } : {}),
  };
}
