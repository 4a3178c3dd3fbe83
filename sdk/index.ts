// hivestorm's one public entry. Named exports only; scenarios and scripts import from here and nowhere else.
import { network } from "./chaos/network/index.ts";
import { processChaos } from "./chaos/process/index.ts";
import { resource } from "./chaos/resource/index.ts";

/** The fluent fault API: `chaos.network.latency(500).jitter(100).on("queen").for("60s")`. */
export const chaos = { network, process: processChaos, resource };

export { type ChaosContext, createChaosContext } from "./chaos/context.ts";
export { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "./chaos/fault.ts";
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
export { prlimitMissing } from "./chaos/resource/fd-fault.ts";
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
export { stressNgMissing } from "./chaos/resource/stress-ng.ts";
export { STRESSOR_ENV, stressorMissing } from "./chaos/resource/stressor.ts";
export { scopeMissing } from "./chaos/resource/target-scope.ts";
export type { Captured, CaptureSpec } from "./core/capture.ts";
export { type Duration, formatDuration, getTimeScale, parseDuration } from "./core/duration.ts";
export * from "./core/errors.ts";
export type * from "./core/journal.ts";
export { readJournal } from "./core/journal.ts";
export { CleanupLedger, DEFAULT_LEDGER_FILE } from "./core/ledger.ts";
export { nodeBinary } from "./core/node-binary.ts";
export { commandLine, isSameProcess } from "./core/process-identity.ts";
export { onShutdown, trackLedger } from "./core/shutdown.ts";
export { sleep } from "./core/sleep.ts";
export {
  type ChaosMeshOptions,
  EXPORT_USAGE,
  ExportRefusedError,
  type ExportTraffic,
  exportScenario,
  mapFault,
  objectName,
  parseExportArgs,
  type ScenarioExport,
  toChaosMesh,
  validateChaosMesh,
} from "./export/index.ts";
export {
  decodeHistogram,
  evaluateThresholds,
  LoadPlan,
  type LoadResult,
  type LoadSample,
  load,
  mergeHistograms,
  percentileOf,
  type RequestSpec,
  type StreamEvent,
  type StreamKind,
  type StreamOptions,
} from "./load/index.ts";
export { openRunLedger, type RunLedger } from "./reap/run-ledger.ts";
export { ledgerFilesAt, settleLedgerFile } from "./reap/settle-ledger.ts";
export { loadRun, resultsFile } from "./report/analysis.ts";
export { formatConsoleSummary } from "./report/console-summary.ts";
export { writeReports } from "./report/write-reports.ts";
export { parseRunAllArgs, type RunAllArgs, USAGE } from "./runner/args.ts";
export { type DiscoveredScenario, discoverScenarios } from "./runner/discover.ts";
export { type Check, expect, type Observations } from "./runner/expect.ts";
export type { ShareRange } from "./runner/expect-share.ts";
export { type ObservationKey, observation, observed } from "./runner/observation.ts";
export { runAll } from "./runner/run-all.ts";
export { runIfMain } from "./runner/run-if-main.ts";
export { runLoadPlan } from "./runner/run-load.ts";
export {
  defineScenario,
  type FaultScenario,
  type LoadScenario,
  type Requirement,
  type ScenarioDefinition,
  type StepsScenario,
} from "./runner/scenario.ts";
export type { ScenarioContext, SystemHandle } from "./runner/scenario-context.ts";
export { cgroupSupport } from "./system/cgroup/cgroup-support.ts";
export {
  defineSystem,
  type InstanceInfo,
  resolveSystem,
  type ServiceDefinition,
  type SystemConfig,
  type SystemDefinition,
} from "./system/definition.ts";
export { parseOwnerLabel } from "./system/docker-services.ts";
export { type LoadedSystem, loadSystemConfig } from "./system/load-config.ts";
export { listContainers } from "./system/targets/docker-containers.ts";
export { dockerAvailability, dockerClient } from "./system/targets/docker-engine.ts";
export { DockerTarget } from "./system/targets/docker-target.ts";
export { buildNodeImage, DEFAULT_IMAGE_TAG } from "./system/targets/node-image.ts";
export { procStatus } from "./system/targets/proc.ts";
export { ProcessTarget } from "./system/targets/process-target.ts";
export type { Target } from "./system/targets/target.ts";
export {
  type Restoration,
  type ServiceHandle,
  Testbed,
  type TestbedOptions,
  testbed,
} from "./testbed/testbed.ts";
export { runToxiproxyServer } from "./toxiproxy/main.ts";
export { startToxiproxy } from "./toxiproxy/server.ts";
