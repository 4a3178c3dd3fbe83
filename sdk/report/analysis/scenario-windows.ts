import type { ScenarioResult, WindowName, WindowStats } from "../../core/journal.ts";
import { windowStats } from "./window-stats.ts";

export interface TimeRange {
  /** ms from the scenario's start. */
  start: number;
  end: number;
}

export type ScenarioWindows = Partial<Record<WindowName, TimeRange>>;

export const WINDOW_NAMES: readonly WindowName[] = ["before", "during", "after"];

// Timestamps above this are epoch ms (2001 onwards); below it, ms from the scenario's start. The runner writes
// phases and faults relative (docs/results.md); accepting epoch too keeps hand-written journals readable.
const EPOCH_FLOOR = 1e12;

/** A phase or fault timestamp as ms from the scenario's start. */
export function relativeMs(scenario: Pick<ScenarioResult, "startedAt">, ms: number): number {
  return ms >= EPOCH_FLOOR ? ms - scenario.startedAt : ms;
}

/** The scenario's length in ms. */
export function scenarioDurationMs(scenario: Pick<ScenarioResult, "startedAt" | "endedAt">): number {
  return Math.max(0, scenario.endedAt - scenario.startedAt);
}

/**
 * Before/during/after, in ms from the scenario's start. "during" spans the fault windows (first apply to last
 * revert; an unreverted fault lasts to the end of its phase or of the scenario), or the `fault` phase when no
 * fault was recorded. "before" is the baseline phase (else everything before the fault), "after" runs from the
 * last revert to the end of the recovery phase (else of the scenario). Without any fault: "before" only.
 */
export function scenarioWindows(scenario: ScenarioResult): ScenarioWindows {
  const total = scenarioDurationMs(scenario);
  const phase = (name: string) => {
    const p = scenario.phases.find((ph) => ph.name === name);
    return p ? { start: relativeMs(scenario, p.start), end: relativeMs(scenario, p.end) } : undefined;
  };
  const faultPhase = phase("fault");
  let during: TimeRange | undefined;
  if (scenario.faults.length) {
    const start = Math.min(...scenario.faults.map((f) => relativeMs(scenario, f.appliedAt)));
    const end = Math.max(
      ...scenario.faults.map((f) =>
        f.revertedAt !== undefined ? relativeMs(scenario, f.revertedAt) : (faultPhase?.end ?? total),
      ),
    );
    during = { start, end: Math.max(start, end) };
  } else if (faultPhase) during = faultPhase;
  const baseline = phase("baseline");
  if (!during) return { before: baseline ?? { start: 0, end: total } };
  const before = baseline
    ? { start: baseline.start, end: Math.min(baseline.end, during.start) }
    : { start: 0, end: during.start };
  const recovery = phase("recovery");
  const after = { start: during.end, end: Math.max(during.end, recovery?.end ?? total) };
  return { before, during, after };
}

/**
 * The window statistics of a scenario: the journal's own when it has them, else computed from its samples over
 * scenarioWindows. (The runner fills `windows`; this also serves hand-trimmed journals without them.)
 */
export function scenarioWindowStats(scenario: ScenarioResult): Partial<Record<WindowName, WindowStats>> {
  if (scenario.windows && Object.keys(scenario.windows).length) return scenario.windows;
  if (!scenario.samples?.t.length) return {};
  const out: Partial<Record<WindowName, WindowStats>> = {};
  const ranges = scenarioWindows(scenario);
  for (const name of WINDOW_NAMES) {
    const range = ranges[name];
    if (range) out[name] = windowStats(scenario.samples, range.start, range.end);
  }
  return out;
}
