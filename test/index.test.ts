// The public surface of sdk/index.ts, pinned: an export added or removed by accident fails here. When the
// change is meant, update the lists below in the same commit (and the docs that name the export).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import * as sdk from "../sdk/index.ts";

const VALUES = [
  "CleanupLedger",
  "ConnectionsFault",
  "CpuFault",
  "DEFAULT_IMAGE_TAG",
  "DEFAULT_LEDGER_FILE",
  "DiskFillFault",
  "DockerTarget",
  "DownFault",
  "DurationError",
  "EXPORT_USAGE",
  "ExportRefusedError",
  "FaultError",
  "FdFault",
  "HivestormError",
  "LoadPlan",
  "MemoryFault",
  "NonLoopbackTargetError",
  "PrerequisiteError",
  "ProcessFault",
  "ProcessTarget",
  "RESOURCE_REAPERS",
  "STRESSOR_ENV",
  "Testbed",
  "TimeoutError",
  "ToxicFault",
  "USAGE",
  "ValidationError",
  "VramFault",
  "applyFault",
  "applyFor",
  "buildNodeImage",
  "cgroupSupport",
  "chaos",
  "commandLine",
  "createChaosContext",
  "decodeHistogram",
  "defineScenario",
  "defineSystem",
  "describeValue",
  "discoverScenarios",
  "dockerAvailability",
  "dockerClient",
  "evaluateThresholds",
  "expect",
  "exportScenario",
  "formatConsoleSummary",
  "formatDuration",
  "getTimeScale",
  "isSameProcess",
  "ledgerFilesAt",
  "listContainers",
  "load",
  "loadRun",
  "loadSystemConfig",
  "mapFault",
  "mergeHistograms",
  "nodeBinary",
  "objectName",
  "observation",
  "observed",
  "onShutdown",
  "openRunLedger",
  "parseDuration",
  "parseExportArgs",
  "parseOwnerLabel",
  "parseRunAllArgs",
  "percentileOf",
  "prlimitMissing",
  "procStatus",
  "readJournal",
  "resolveSystem",
  "resultsFile",
  "runAll",
  "runIfMain",
  "runLoadPlan",
  "runToxiproxyServer",
  "scopeMissing",
  "settleLedgerFile",
  "sleep",
  "startToxiproxy",
  "stressNgMissing",
  "stressorMissing",
  "systemCandidates",
  "testbed",
  "toChaosMesh",
  "trackLedger",
  "validateChaosMesh",
  "watchInstances",
  "writeReports",
];

/** Exported for the type checker only (`export type`, or type-only re-exports such as `export type *`). */
const TYPES = [
  "Applied",
  "Candidate",
  "CaptureSpec",
  "Captured",
  "ChaosContext",
  "ChaosMeshOptions",
  "Check",
  "CheckRecord",
  "DiscoveredScenario",
  "Duration",
  "EnvironmentRecord",
  "ErrorDetails",
  "ExportTraffic",
  "FaultHandle",
  "FaultRecord",
  "FaultScenario",
  "FaultSpec",
  "InstanceInfo",
  "JOURNAL_SCHEMA",
  "LoadResult",
  "LoadSample",
  "LoadScenario",
  "LoadedSystem",
  "ObservationKey",
  "Observations",
  "PhaseRecord",
  "Problem",
  "ProcessFaultOutcome",
  "ProcessHit",
  "READABLE_SCHEMAS",
  "RecoveryRecord",
  "RequestSpec",
  "Requirement",
  "ResourceObservation",
  "ResourceTarget",
  "Restoration",
  "RestorationRecord",
  "RunAllArgs",
  "RunJournal",
  "RunLedger",
  "RunOptionsRecord",
  "RunStatus",
  "SampleColumns",
  "ScenarioContext",
  "ScenarioDefinition",
  "ScenarioExport",
  "ScenarioResult",
  "ServiceDefinition",
  "ServiceHandle",
  "ServiceRecord",
  "ShareRange",
  "StepsScenario",
  "StreamEvent",
  "StreamKind",
  "StreamOptions",
  "SystemConfig",
  "SystemDefinition",
  "SystemHandle",
  "Target",
  "TestbedOptions",
  "TimelinePoint",
  "Verdict",
  "WatchResult",
  "WindowName",
  "WindowStats",
  "stringifyJournal",
  "upgradeJournal",
  "writeJournal",
];

/** The fluent entries, member by member: what scripts chain from. */
const FLUENT = {
  chaos: ["network", "process", "resource"],
  "chaos.network": [
    "bandwidth",
    "down",
    "latency",
    "limitData",
    "loss",
    "partition",
    "reset",
    "slice",
    "slowClose",
    "timeout",
  ],
  "chaos.process": ["kill", "oom", "pause", "restart", "stop"],
  "chaos.resource": ["connections", "cpu", "disk", "fds", "memory", "vram"],
  load: ["constant", "ramp", "rate", "rateStages", "spike", "stages"],
  expect: [
    "captured",
    "custom",
    "cutStreams",
    "failuresAnsweredWith",
    "latencyBelow",
    "latencyIncrease",
    "recovered",
    "share",
    "successRate",
    "successRateAtMost",
    "thresholdsHeld",
  ],
};

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe("sdk/index.ts, the public entry", () => {
  test("exports exactly these values", () => {
    assert.deepEqual(sorted(Object.keys(sdk)), sorted(VALUES));
  });

  test("every value export is defined", () => {
    const missing = Object.entries(sdk)
      .filter(([, v]) => v === undefined || v === null)
      .map(([k]) => k);
    assert.deepEqual(missing, []);
  });

  test("the fluent entries have exactly these members, each a function or a namespace", () => {
    const members: Record<string, object> = {
      chaos: sdk.chaos,
      "chaos.network": sdk.chaos.network,
      "chaos.process": sdk.chaos.process,
      "chaos.resource": sdk.chaos.resource,
      load: sdk.load,
      expect: sdk.expect,
    };
    for (const [name, expected] of Object.entries(FLUENT)) {
      const entry = members[name] as Record<string, unknown>;
      assert.deepEqual(sorted(Object.keys(entry)), sorted(expected), name);
      for (const k of expected)
        assert.ok(["function", "object"].includes(typeof entry[k]), `${name}.${k} is ${typeof entry[k]}`);
    }
  });

  test("exports exactly these types besides the values (read by the type checker)", () => {
    const file = fileURLToPath(new URL("../sdk/index.ts", import.meta.url));
    const program = ts.createProgram([file], {
      allowImportingTsExtensions: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023,
      types: ["node"],
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    assert.ok(source, `${file} is part of the program`);
    const module = checker.getSymbolAtLocation(source);
    assert.ok(module, `${file} is a module`);
    const names = checker.getExportsOfModule(module).map((s) => s.name);
    assert.deepEqual(
      sorted(names.filter((n) => !VALUES.includes(n))),
      sorted(TYPES),
      "type exports (a value missing at run time shows up here, and in the first test)",
    );
  });
});
