// Public surface of sdk/load (re-exported from sdk/index.ts).
export type { Check, CheckFn, CheckResponse } from "./checks.ts";
export { isExpectedStatus } from "./failure.ts";
export {
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  percentileOf,
  summarizeEncoded,
} from "./histogram.ts";
export type { K6OperatorOptions } from "./k6/k6-operator.ts";
export type { K6ScriptOptions } from "./k6/k6-script.ts";
export { type K6Summary, k6SummaryToResult, parseK6Summary } from "./k6/k6-summary.ts";
export { load } from "./load.ts";
export { LoadPlan, type PlanState, type SpikeOptions, type StageInput } from "./plan.ts";
export { DEFAULT_REQUEST, type RequestSpec } from "./request-spec.ts";
export type { ResolvedPlan } from "./resolve-plan.ts";
export type { RunOptions } from "./run.ts";
export type { StreamEvent, StreamKind, StreamOptions } from "./stream/stream-spec.ts";
export {
  evaluateThresholds,
  parseThresholds,
  type Threshold,
  type ThresholdInput,
  type ThresholdMap,
  type ThresholdObject,
} from "./thresholds.ts";
export type * from "./types.ts";
