// Phase 4, the fault window: a fault scenario's faults applied together and held for its duration (its
// `beside` steps running alongside), or a steps scenario's own steps. Whatever is applied is recorded by id.
import { parseDuration, scaledDuration } from "../../core/duration.ts";
import { declaredFaults, type ScenarioDefinition } from "../scenario.ts";
import type { ScenarioRun } from "../scenario-run.ts";

export const DURATION_DEFAULT = "20s";

/** The fault window: the scenario's duration, time-scaled, never shorter than its minimum (default 3 s). */
export function faultDurationMs(def: ScenarioDefinition): number {
  if (def.load) return 0;
  return Math.max(parseDuration(def.minDuration ?? 3000), scaledDuration(def.duration ?? DURATION_DEFAULT));
}

export async function runFaultWindow(run: ScenarioRun): Promise<void> {
  const { def, ctx } = run;
  if (def.load) return;
  if (def.steps) return def.steps(ctx);
  await def.before?.(ctx);
  const handles = [];
  for (const spec of declaredFaults(def)) {
    if (ctx.signal.aborted) return;
    handles.push(await ctx.apply(spec));
  }
  await Promise.all([ctx.hold(), def.beside?.(ctx, handles)]);
  if (!ctx.signal.aborted) await def.beforeRevert?.(ctx, handles);
}
