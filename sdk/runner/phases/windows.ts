// The three windows a scenario is judged on, from the faults' own times: "before" (the baseline, without the
// requests the fault caught in flight), "during" (first apply → last revert) and "after" (the recovery window
// once recovered, or the window after the deadline).
import type { SampleColumns, WindowName, WindowStats } from "../../core/journal.ts";
import { windowStats } from "../../report/analysis.ts";

export function scenarioWindows(
  samples: SampleColumns,
  o: { faultStart: number; faultEnd: number; baselineMs: number; afterStart: number; windowMs: number },
): Partial<Record<WindowName, WindowStats>> {
  return {
    // Requests still in flight when the fault began felt it: they belong to no baseline.
    before: windowStats(completedBy(samples, o.faultStart), o.faultStart - o.baselineMs, o.faultStart),
    during: windowStats(samples, o.faultStart, o.faultEnd),
    after: windowStats(samples, o.afterStart, o.afterStart + o.windowMs),
  };
}

/** The samples that had finished by `endMs`. */
export function completedBy(s: SampleColumns, endMs: number): SampleColumns {
  const keep = s.t.map((t, i) => t + s.latencyMs[i] <= endMs);
  const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  const captures = s.captures && {
    captures: Object.fromEntries(Object.entries(s.captures).map(([k, v]) => [k, pick(v)])),
  };
  return { t: pick(s.t), latencyMs: pick(s.latencyMs), status: pick(s.status), ok: pick(s.ok), ...captures };
}

/** The windows' bounds in ms from the scenario's start: the fault's own apply and revert, and the recovery. */
export function windowTimes(
  startedAt: number,
  fault: { start: number; end: number },
  baselineMs: number,
  recovery: { timeToRecoverMs: number | null; deadlineMs: number },
  windowMs: number,
): { faultStart: number; faultEnd: number; baselineMs: number; afterStart: number; windowMs: number } {
  const faultEnd = fault.end - startedAt;
  return {
    faultStart: fault.start - startedAt,
    faultEnd,
    baselineMs,
    afterStart: faultEnd + (recovery.timeToRecoverMs ?? recovery.deadlineMs),
    windowMs,
  };
}
