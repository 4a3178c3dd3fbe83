// The analysis functions without any I/O: safe to import from a browser page (Observable) as well as Node.
export {
  compareRuns,
  type Delta,
  delta,
  type RunComparison,
  type ScenarioComparison,
  type VerdictChange,
  type WindowDeltas,
} from "./compare-runs.ts";
export {
  type LoadLatency,
  type LoadPoint,
  type LoadStage,
  type LoadThreshold,
  type LoadView,
  readLoad,
} from "./load-view.ts";
export { type LatencySummary, latencySummary, percentile } from "./percentiles.ts";
export {
  relativeMs,
  type ScenarioWindows,
  scenarioDurationMs,
  scenarioWindowStats,
  scenarioWindows,
  type TimeRange,
  WINDOW_NAMES,
} from "./scenario-windows.ts";
export { describeRecoveryCriterion, type RecoveryCriterion, timeToRecover } from "./time-to-recover.ts";
export { type TimelineRange, timeline } from "./timeline.ts";
export { windowStats } from "./window-stats.ts";
