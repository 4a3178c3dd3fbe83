// A fault scenario as a Chaos Mesh Workflow, run serially: a Suspend for the baseline, the fault(s) for the
// scenario's duration (several faults in parallel, as hivestorm applies them together), then a Suspend for the
// recovery deadline and window, so that the Workflow lasts as long as the scenario's judgement does.
import type { FaultSpec } from "../chaos/fault.ts";
import { type Duration, parseDuration } from "../core/duration.ts";
import { goDuration } from "./chaos-mesh/go-duration.ts";
import type { ChaosMeshOptions } from "./chaos-mesh/mapping.ts";
import { API_VERSION, EMBED_KEYS, type Template, type Workflow } from "./chaos-mesh/model.ts";
import { mapFault } from "./chaos-mesh/to-chaos-mesh.ts";

/** The runner's defaults, for scenarios that leave a phase out. */
export const SCENARIO_DEFAULTS = {
  baseline: "5s",
  minBaselineMs: 2000,
  duration: "20s",
  deadline: "30s",
  window: "3s",
};

export interface WorkflowTimings {
  baselineMs: number;
  durationMs: number;
  recoveryMs: number;
  windowMs: number;
}

export interface FaultPlacement {
  fault: FaultSpec;
  /** Where it lands: the target's pods, its clients, containers. */
  options: ChaosMeshOptions;
}

export interface ScenarioWorkflow {
  workflow: Workflow;
  timings: WorkflowTimings;
  /** Per fault: the template name, the Chaos Mesh kind and every difference in meaning. */
  faults: { template: string; description: string; chaosKind: string; differences: string[] }[];
}

export function scenarioTimings(d: {
  baseline?: Duration;
  duration?: Duration;
  recovery?: { deadline?: Duration; window?: Duration };
}): WorkflowTimings {
  return {
    baselineMs: Math.max(
      SCENARIO_DEFAULTS.minBaselineMs,
      parseDuration(d.baseline ?? SCENARIO_DEFAULTS.baseline, "baseline"),
    ),
    durationMs: parseDuration(d.duration ?? SCENARIO_DEFAULTS.duration, "duration"),
    recoveryMs: parseDuration(d.recovery?.deadline ?? SCENARIO_DEFAULTS.deadline, "recovery.deadline"),
    windowMs: parseDuration(d.recovery?.window ?? SCENARIO_DEFAULTS.window, "recovery.window"),
  };
}

/** A Kubernetes name from a scenario id: "NF-001" → "hs-nf-001". */
export function objectName(id: string): string {
  const s = id
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `hs-${s}`.slice(0, 63).replace(/-+$/, "");
}

/** Builds the Workflow; refuses (ExportRefusedError) if any fault has no faithful counterpart. */
export function scenarioWorkflow(
  id: string,
  placements: FaultPlacement[],
  timings: WorkflowTimings,
  namespace: string,
): ScenarioWorkflow {
  if (placements.length === 0) throw new RangeError(`scenario ${id} has no fault to put in a Workflow`);
  const name = objectName(id);
  const deadline = goDuration(timings.durationMs);
  const faults: ScenarioWorkflow["faults"] = [];
  const chaosTemplates: Template[] = placements.map(({ fault, options }, i) => {
    const mapped = mapFault(fault, options);
    const template = `fault-${i + 1}-${fault.kind}`.slice(0, 63);
    faults.push({
      template,
      description: fault.describe(),
      chaosKind: mapped.kind,
      differences: mapped.differences,
    });
    return { name: template, templateType: mapped.kind, deadline, [EMBED_KEYS[mapped.kind]]: mapped.spec };
  });
  const faultStep: Template[] =
    chaosTemplates.length === 1
      ? []
      : [{ name: "faults", templateType: "Parallel", children: chaosTemplates.map((t) => t.name) }];
  const templates: Template[] = [
    {
      name: "scenario",
      templateType: "Serial",
      children: ["baseline", faultStep[0]?.name ?? chaosTemplates[0].name, "recovery"],
    },
    { name: "baseline", templateType: "Suspend", deadline: goDuration(timings.baselineMs) },
    ...faultStep,
    ...chaosTemplates,
    {
      name: "recovery",
      templateType: "Suspend",
      deadline: goDuration(timings.recoveryMs + timings.windowMs),
    },
  ];
  return {
    workflow: {
      apiVersion: API_VERSION,
      kind: "Workflow",
      metadata: {
        name,
        namespace,
        labels: { "app.kubernetes.io/managed-by": "hivestorm", "hivestorm/scenario": name },
      },
      spec: { entry: "scenario", templates },
    },
    timings,
    faults,
  };
}
