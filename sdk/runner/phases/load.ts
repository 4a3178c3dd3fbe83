// The body of a load scenario: its plan against a service, health sampled while it runs, and the time until
// the service serves normally again afterwards (see run-load.ts).
import { runLoadPlan } from "../run-load.ts";
import type { ScenarioRun } from "../scenario-run.ts";

export async function runLoadPhase(run: ScenarioRun): Promise<void> {
  const l = run.def.load;
  if (!l) return;
  await runLoadPlan(run.ctx, l.plan, { service: l.service, viaProxy: l.viaProxy });
  if (!run.ctx.signal.aborted) await l.after?.(run.ctx);
}
