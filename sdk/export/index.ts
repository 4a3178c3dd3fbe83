// Export to Kubernetes: faults as Chaos Mesh objects, scenarios as Workflows plus k6-operator TestRuns.
export { goDuration, goDurationProblem } from "./chaos-mesh/go-duration.ts";
export type { ChaosMeshOptions, MappedChaos } from "./chaos-mesh/mapping.ts";
export type * from "./chaos-mesh/model.ts";
export { ExportRefusedError } from "./chaos-mesh/refusal.ts";
export { CHAOS_MESH_MAPPERS } from "./chaos-mesh/registry.ts";
export { mapFault, toChaosMesh } from "./chaos-mesh/to-chaos-mesh.ts";
export { validateChaosMesh } from "./chaos-mesh/validate.ts";
export { type CheckQuery, checkQueries } from "./check-queries.ts";
export { EXPORT_USAGE, type ExportArgs, parseExportArgs } from "./export-args.ts";
export {
  type ExportTraffic,
  exportScenario,
  type ScenarioExport,
  type ScenarioExportOptions,
} from "./scenario-export.ts";
export { objectName, type ScenarioWorkflow, scenarioTimings, scenarioWorkflow } from "./workflow.ts";
