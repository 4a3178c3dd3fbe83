// Phase 1, requirements: a missing tool or privilege is a skip with its reason, never a run against the host;
// a scenario without checks is an error, never a pass.
import type { ScenarioResult } from "../../core/journal.ts";
import type { ScenarioRun } from "../scenario-run.ts";

export async function checkRequirements(run: ScenarioRun): Promise<ScenarioResult | undefined> {
  for (const req of run.def.requires ?? []) {
    const missing = await req.check(run.ctx);
    if (missing) return run.finish("skipped", missing, { enable: req.enable });
  }
  if (!run.def.expect?.length && !run.def.load)
    return run.finish("error", "the scenario declares no checks: a scenario that only ran has not passed");
  return undefined;
}
