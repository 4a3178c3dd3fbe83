// Phase 7, checks and verdict: every check of the scenario turned into a record; the verdict fails when any
// check failed, and the reason names every failed check (none hidden behind "and N more").
import type { CheckRecord, Verdict } from "../../core/journal.ts";
import type { Check, Observations } from "../expect.ts";

export interface Judgement {
  verdict: Verdict;
  reason: string;
  checks: CheckRecord[];
}

export function judge(checks: Check[], obs: Observations): Judgement {
  const records = checks.map((c) => c(obs));
  const failed = records.filter((c) => !c.ok);
  if (failed.length === 0)
    return { verdict: "passed", reason: `all ${records.length} checks held`, checks: records };
  const one = (c: CheckRecord) => `${c.name}: expected ${c.expected}, observed ${c.observed}`;
  const reason =
    failed.length === 1
      ? one(failed[0])
      : `${failed.length} of ${records.length} checks failed: ${failed.map(one).join("; ")}`;
  return { verdict: "failed", reason, checks: records };
}
