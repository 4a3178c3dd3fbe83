// Phase 1, requirements: a role the system does not map (or whose needs it does not meet), a missing tool or
// privilege is a skip with its reason, never a run against the host; a scenario without checks is an error.
import type { ScenarioResult } from "../../core/journal.ts";
import { roleProblems } from "../../system/roles.ts";
import type { ScenarioRun } from "../scenario-run.ts";

export async function checkRequirements(run: ScenarioRun): Promise<ScenarioResult | undefined> {
  const bed = run.o.bed;
  const unmet = roleProblems(bed.system, run.def.roles ?? {}, { target: bed.target });
  if (unmet.length)
    return run.finish("skipped", unmet.join("; "), {
      enable: `map the roles it needs in ${bed.source} (see docs/system.md, "Roles")`,
    });
  for (const req of run.def.requires ?? []) {
    const missing = await req.check(run.ctx);
    if (missing) return run.finish("skipped", missing, { enable: req.enable });
  }
  if (!run.def.expect?.length && !run.def.load)
    return run.finish("error", "the scenario declares no checks: a scenario that only ran has not passed");
  return undefined;
}
