// hivestorm's one public entry. Named exports only.
import { network } from "./chaos/network/index.ts";
import { processChaos } from "./chaos/process/index.ts";
import { resource } from "./chaos/resource/index.ts";

/** The fluent fault API: `chaos.network.latency(500).jitter(100).on("queen").for("60s")`. */
export const chaos = { network, process: processChaos, resource };

export { type ChaosContext, createChaosContext, setChaosContext } from "./chaos/context.ts";
export { applyFault, applyFor, type FaultHandle, type FaultSpec } from "./chaos/fault.ts";
export { DownFault, ToxicFault } from "./chaos/network/index.ts";
export {
  type Candidate,
  ProcessFault,
  type ProcessFaultOutcome,
  type ProcessHit,
  systemCandidates,
  type WatchResult,
  watchInstances,
} from "./chaos/process/index.ts";
export {
  ConnectionsFault,
  CpuFault,
  DiskFillFault,
  FdFault,
  MemoryFault,
  RESOURCE_REAPERS,
  type ResourceObservation,
  type ResourceTarget,
  VramFault,
} from "./chaos/resource/index.ts";
export { type Duration, formatDuration, parseDuration, setTimeScale } from "./core/duration.ts";
export * from "./core/errors.ts";
export type * from "./core/journal.ts";
export { readJournal } from "./core/journal.ts";
export { CleanupLedger } from "./core/ledger.ts";
export { onShutdown, trackLedger } from "./core/shutdown.ts";
export {
  decodeHistogram,
  evaluateThresholds,
  inferencePattern,
  LoadPlan,
  type LoadResult,
  type LoadSample,
  load,
  mergeHistograms,
  percentileOf,
  RBEE_THRESHOLDS,
  type RequestSpec,
  spikePattern,
  stressPattern,
} from "./load/index.ts";
export { openRunLedger, type RunLedger } from "./reap/run-ledger.ts";
export { parseRunAllArgs, type RunAllArgs, USAGE } from "./runner/args.ts";
export { type Check, expect, type Observations } from "./runner/expect.ts";
export { runAll } from "./runner/run-all.ts";
export { runIfMain } from "./runner/run-if-main.ts";
export { runLoadPlan } from "./runner/run-load.ts";
export { defineScenario, type Requirement, type ScenarioDefinition } from "./runner/scenario.ts";
export type { ScenarioContext } from "./runner/scenario-context.ts";
export {
  defineSystem,
  type InstanceInfo,
  type ServiceDefinition,
  type SystemDefinition,
} from "./system/definition.ts";
export { type LoadedSystem, loadSystemConfig } from "./system/load-config.ts";
export { startToxiproxy } from "./toxiproxy/server.ts";
