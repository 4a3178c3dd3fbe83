// Why a scenario did not pass, in plain words with units: one line per failed check (every one of them, never
// "(and N more)"), a failed thresholds check expanded into one line per threshold. Shared by every view.
import type { ScenarioResult, Verdict } from "../core/journal.ts";
import { readLoad } from "./analysis/load-view.ts";
import { THRESHOLDS_CHECK, thresholdWords } from "./threshold-words.ts";

/** Verdicts that did not pass and are not skips: what a reader must see first. */
export function isFailure(verdict: Verdict): verdict is "failed" | "error" | "interrupted" {
  return verdict === "failed" || verdict === "error" || verdict === "interrupted";
}

/** The reasons a failed, errored or interrupted scenario gives; empty for a passed or skipped one. */
export function failureReasons(s: ScenarioResult): string[] {
  if (s.verdict === "error" || s.verdict === "interrupted") return [oneLine(s.reason)];
  if (s.verdict !== "failed") return [];
  const reasons = s.checks.filter((c) => !c.ok).flatMap((c) => checkReasons(s, c));
  return reasons.length ? reasons : [oneLine(s.reason)];
}

function checkReasons(s: ScenarioResult, c: ScenarioResult["checks"][number]): string[] {
  if (c.name === THRESHOLDS_CHECK) {
    const failed = (readLoad(s.load)?.thresholds ?? []).filter((t) => !t.ok);
    if (failed.length) return failed.map(thresholdWords);
  }
  return [oneLine(`${c.name}: ${c.observed} (expected ${c.expected})`)];
}

/** The one-line reason of any verdict: the failure reasons joined, else the runner's own reason. */
export function reasonLine(s: ScenarioResult): string {
  const reasons = failureReasons(s);
  return reasons.length ? reasons.join("; ") : oneLine(s.reason);
}

function oneLine(value: string): string {
  return value.replace(/\s*\r?\n\s*/g, " ").trim();
}
