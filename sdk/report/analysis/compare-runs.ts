import type { RunJournal, ScenarioResult, Verdict, WindowName } from "../../core/journal.ts";
import { readLoad } from "./load-view.ts";
import { scenarioWindowStats, WINDOW_NAMES } from "./scenario-windows.ts";

export interface Delta {
  base: number | null;
  head: number | null;
  /** head - base; null when either side is missing. */
  delta: number | null;
}

export type VerdictChange = "new-failure" | "fixed" | "unchanged" | "changed" | "added" | "removed";

export interface WindowDeltas {
  p95: Delta;
  p99: Delta;
  errorRate: Delta;
}

export interface ScenarioComparison {
  id: string;
  name: string;
  base: Verdict | null;
  head: Verdict | null;
  change: VerdictChange;
  windows: Partial<Record<WindowName, WindowDeltas>>;
  timeToRecoverMs: Delta;
  load?: { p95: Delta; p99: Delta; throughput: Delta; errorRate: Delta };
}

export interface RunComparison {
  base: string;
  head: string;
  scenarios: ScenarioComparison[];
  /** Ids that pass (or did not exist, or were skipped) in base and fail or error in head. */
  newFailures: string[];
  /** Ids that failed or errored in base and pass in head. */
  fixed: string[];
}

const BAD: readonly Verdict[] = ["failed", "error"];

/** Run-to-run comparison, scenario by scenario (matched by id), in head's order then base-only ones. */
export function compareRuns(base: RunJournal, head: RunJournal): RunComparison {
  const baseById = new Map(base.scenarios.map((s) => [s.id, s]));
  const headIds = new Set(head.scenarios.map((s) => s.id));
  const scenarios = [
    ...head.scenarios.map((h) => compareScenario(baseById.get(h.id), h)),
    ...base.scenarios.filter((b) => !headIds.has(b.id)).map((b) => compareScenario(b, undefined)),
  ];
  return {
    base: base.runId,
    head: head.runId,
    scenarios,
    newFailures: scenarios.filter((s) => isNewFailure(s)).map((s) => s.id),
    fixed: scenarios.filter((s) => s.change === "fixed").map((s) => s.id),
  };
}

function isNewFailure(s: ScenarioComparison): boolean {
  return s.change === "new-failure" || (s.change === "added" && s.head !== null && BAD.includes(s.head));
}

function compareScenario(b: ScenarioResult | undefined, h: ScenarioResult | undefined): ScenarioComparison {
  const any = (h ?? b)!;
  const bw = b ? scenarioWindowStats(b) : {};
  const hw = h ? scenarioWindowStats(h) : {};
  const windows: Partial<Record<WindowName, WindowDeltas>> = {};
  for (const name of WINDOW_NAMES) {
    const x = bw[name];
    const y = hw[name];
    if (!x && !y) continue;
    windows[name] = {
      p95: delta(x?.p95, y?.p95),
      p99: delta(x?.p99, y?.p99),
      errorRate: delta(x?.requests ? x.errorRate : null, y?.requests ? y.errorRate : null),
    };
  }
  const result: ScenarioComparison = {
    id: any.id,
    name: any.name,
    base: b?.verdict ?? null,
    head: h?.verdict ?? null,
    change: verdictChange(b?.verdict, h?.verdict),
    windows,
    timeToRecoverMs: delta(b?.recovery?.timeToRecoverMs, h?.recovery?.timeToRecoverMs),
  };
  const bl = readLoad(b?.load);
  const hl = readLoad(h?.load);
  if (bl || hl)
    result.load = {
      p95: delta(bl?.latency.p95, hl?.latency.p95),
      p99: delta(bl?.latency.p99, hl?.latency.p99),
      throughput: delta(bl?.throughput, hl?.throughput),
      errorRate: delta(loadErrorRate(bl), loadErrorRate(hl)),
    };
  return result;
}

function loadErrorRate(view: ReturnType<typeof readLoad>): number | null {
  const requests = view?.totals.requests;
  const failed = view?.totals.failed;
  if (!requests || failed === null || failed === undefined) return null;
  return failed / requests;
}

function verdictChange(b: Verdict | undefined, h: Verdict | undefined): VerdictChange {
  if (b === undefined) return "added";
  if (h === undefined) return "removed";
  if (b === h) return "unchanged";
  if (BAD.includes(h) && !BAD.includes(b)) return "new-failure";
  if (BAD.includes(b) && h === "passed") return "fixed";
  return "changed";
}

export function delta(base: number | null | undefined, head: number | null | undefined): Delta {
  const b = base ?? null;
  const h = head ?? null;
  return { base: b, head: h, delta: b !== null && h !== null ? h - b : null };
}
