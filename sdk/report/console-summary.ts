// The end-of-run summary on the console: the verdict, then what failed and why (every reason), then what was
// skipped and how to enable it, then where the reports are. Plain text, no colour: it ends up in CI logs.
import { join } from "node:path";
import type { RunJournal } from "../core/journal.ts";
import { readLoad } from "./analysis/load-view.ts";
import { failureReasons, isFailure } from "./failure-reasons.ts";
import { fmtDuration } from "./format.ts";
import { verdictBanner } from "./report-content.ts";
import { thresholdsJudged } from "./threshold-words.ts";

export interface ConsoleSummaryOptions {
  /** The run's folder as the user should see it (relative to where they ran the command, say). */
  runDir: string;
}

export function formatConsoleSummary(journal: RunJournal, o: ConsoleSummaryOptions): string {
  const banner = verdictBanner(journal);
  const out: string[] = [
    `hivestorm run ${journal.runId}: ${banner.kind === "verdict" ? banner.headline : ""}`,
    "",
  ];
  const failures = journal.scenarios.filter((s) => isFailure(s.verdict));
  for (const s of failures) {
    out.push(`✗ ${s.verdict.toUpperCase().padEnd(6)} ${s.id}: ${s.name}`);
    for (const reason of failureReasons(s)) out.push(`      ${reason}`);
  }
  if (failures.length) out.push("");
  const reported = journal.scenarios.filter(
    (s) => s.verdict === "passed" && !thresholdsJudged(s) && readLoad(s.load)?.thresholds.some((t) => !t.ok),
  );
  if (reported.length)
    out.push(
      `note: ${reported.map((s) => s.id).join(", ")} exceeded load thresholds that they report without judging (past capacity on purpose); they passed on their own checks.`,
      "",
    );
  const restarts = journal.scenarios.flatMap((s) =>
    (s.restorations ?? []).map(
      (r) =>
        `  - ${r.service} after ${s.id}: ${r.why}${r.ok ? "" : `; could not restart it: ${r.error ?? "no reason recorded"}`}`,
    ),
  );
  if (restarts.length) out.push("services found down and restarted:", ...restarts, "");
  const skips = journal.scenarios.filter((s) => s.verdict === "skipped");
  if (skips.length) {
    out.push(`skipped (${skips.length}):`);
    for (const s of skips) {
      out.push(`  - ${s.id}: ${s.reason}`);
      if (s.enable) out.push(`      to run it: ${s.enable}`);
    }
    out.push("");
  }
  const passed = journal.scenarios.filter((s) => s.verdict === "passed").length;
  const took = journal.endedAt === undefined ? "" : ` in ${fmtDuration(journal.endedAt - journal.startedAt)}`;
  out.push(`${passed} of ${journal.scenarios.length} scenarios passed${took}.`, "");
  out.push(
    `report   ${join(o.runDir, "report.html")}  (open it in a browser; works from disk)`,
    `         ${join(o.runDir, "REPORT.md")}`,
    `results  ${join(o.runDir, "results.json")}`,
  );
  return `${out.join("\n")}\n`;
}
