// Dry runs and start-up checks: how a fault's selector resolves on a system, before anything starts. Any spec
// may offer `plan`/`planProblems` (the process faults do); specs without them have nothing to resolve.
import type { Problem } from "../../core/errors.ts";
import type { FaultSpec } from "../fault.ts";
import type { SelectableSystem } from "./selector.ts";

interface Plannable {
  plan?(system: SelectableSystem): string;
  planProblems?(system: SelectableSystem): Problem[];
}

/** "worker → the instances of hive" for a dry run, and the problems that refuse the run. */
export function faultPlan(spec: FaultSpec, system: SelectableSystem): { text?: string; problems: Problem[] } {
  const p = spec as FaultSpec & Plannable;
  return { text: p.plan?.(system), problems: p.planProblems?.(system) ?? [] };
}

/** Every selector problem of the scenarios' faults, each path naming the scenario and the fault. */
export function scenarioPlanProblems(
  scenarios: { id: string; fault?: FaultSpec | FaultSpec[] }[],
  system: SelectableSystem,
): Problem[] {
  return scenarios.flatMap((s) =>
    [s.fault ?? []].flat().flatMap((f, i) =>
      faultPlan(f, system).problems.map((p) => ({
        path: `${s.id}.fault[${i}].${p.path}`,
        message: p.message,
      })),
    ),
  );
}
