// Phase 5, revert: every fault the scenario applied is reverted. The fault window is the faults' own: from the
// first apply to the last revert (steps that applied nothing: the steps' own span).
import type { ScenarioRun } from "../scenario-run.ts";

export interface FaultWindow {
  /** Epoch ms. */
  start: number;
  end: number;
}

export async function revertFaults(run: ScenarioRun, stepsSpan: FaultWindow): Promise<FaultWindow> {
  await run.revertAll();
  if (run.handles.length === 0) return stepsSpan;
  const applied = run.handles.map((h) => h.appliedAt);
  const reverted = run.handles.map((h) => h.revertedAt ?? Date.now());
  return { start: Math.min(...applied), end: Math.max(...reverted) };
}
