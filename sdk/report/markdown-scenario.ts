import type { ScenarioResult, WindowStats } from "../core/journal.ts";
import {
  relativeMs,
  scenarioDurationMs,
  scenarioWindowStats,
  WINDOW_NAMES,
} from "./analysis/scenario-windows.ts";
import {
  code,
  fmtDuration,
  fmtInstant,
  fmtMs,
  fmtOffset,
  fmtPct,
  table,
  text,
  verdictWord,
} from "./format.ts";
import { renderLoadSection } from "./markdown-load.ts";

export interface ScenarioLinks {
  chart?: string;
  loadChart?: string;
}

/** The id used for a scenario's anchor in the report. */
export function scenarioAnchor(id: string): string {
  return `scenario-${id.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

/** One scenario's section: verdict, expected and observed behaviour, faults, windows, recovery, chart, notes. */
export function renderScenarioSection(s: ScenarioResult, links: ScenarioLinks = {}): string {
  const out: string[] = [
    `<a id="${scenarioAnchor(s.id)}"></a>`,
    "",
    `### ${s.id}: ${text(s.name)}`,
    "",
    `**${verdictWord(s.verdict)}**: ${text(s.reason)}`,
    "",
    `Suite ${code(s.suite)}, category ${code(s.category)}, file ${code(s.file)}; started ${fmtInstant(s.startedAt)}, ran ${fmtDuration(scenarioDurationMs(s))}.`,
    "",
    "#### Expected behaviour",
    "",
    ...s.expected.split(/\r?\n/).map((line) => `> ${text(line)}`),
    "",
  ];
  if (s.verdict === "skipped") {
    if (s.enable) out.push(`To run it: ${code(s.enable)}`, "");
    pushNotes(out, s);
    return out.join("\n");
  }
  if (s.checks.length || !s.load) out.push("#### Observed", "");
  if (s.checks.length)
    out.push(
      table(
        ["check", "expected", "observed", "ok"],
        s.checks.map((c) => [c.name, c.expected, c.observed, c.ok ? "yes" : "NO"]),
      ),
      "",
    );
  else if (!s.load) out.push("No checks were recorded.", "");
  if (s.faults.length) {
    out.push("#### Fault windows", "");
    out.push(
      table(
        ["fault", "kind", "target", "applied", "reverted", "from", "to", "length"],
        s.faults.map((f) => {
          const from = relativeMs(s, f.appliedAt);
          const to = f.revertedAt === undefined ? undefined : relativeMs(s, f.revertedAt);
          return [
            f.description,
            f.kind,
            f.target,
            fmtInstant(s.startedAt + from),
            to === undefined ? "never (not reverted)" : fmtInstant(s.startedAt + to),
            fmtOffset(from),
            to === undefined ? null : fmtOffset(to),
            to === undefined ? null : fmtDuration(to - from),
          ];
        }),
      ),
      "",
    );
  }
  pushWindows(out, s);
  pushRecovery(out, s);
  if (links.chart) out.push(`![${s.id}: latency and errors over time](${links.chart})`, "");
  out.push(...renderLoadSection(s.load, links.loadChart));
  pushNotes(out, s);
  return out.join("\n");
}

function pushWindows(out: string[], s: ScenarioResult): void {
  const windows = scenarioWindowStats(s);
  const rows = WINDOW_NAMES.filter((n) => windows[n]).map((n) => windowRow(n, windows[n]!));
  if (!rows.length) return;
  out.push(
    "#### Latency and errors before, during and after",
    "",
    table(
      ["window", "from", "to", "requests", "failed", "error rate", "p50", "p95", "p99", "max", "statuses"],
      rows,
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    ),
    "",
  );
}

function windowRow(name: string, w: WindowStats): unknown[] {
  const statuses = Object.entries(w.byStatus)
    .map(([status, n]) => `${status === "0" ? "network error" : status}: ${n}`)
    .join(", ");
  return [
    name,
    fmtOffset(w.start),
    fmtOffset(w.end),
    w.requests,
    w.failed,
    w.requests ? fmtPct(w.errorRate) : null,
    fmtMs(w.p50),
    fmtMs(w.p95),
    fmtMs(w.p99),
    fmtMs(w.max),
    statuses,
  ];
}

function pushRecovery(out: string[], s: ScenarioResult): void {
  const r = s.recovery;
  if (!r) return;
  const ttr =
    r.timeToRecoverMs === null ? "did not recover" : `recovered in ${fmtDuration(r.timeToRecoverMs)}`;
  const verdict = r.recovered ? "within the deadline" : "NOT within the deadline";
  out.push(
    "#### Recovery",
    "",
    `Time to recover: **${ttr}** (deadline ${fmtDuration(r.deadlineMs)}: ${verdict}).`,
    "",
    `Criterion: ${text(r.criterion)}.`,
    "",
  );
}

function pushNotes(out: string[], s: ScenarioResult): void {
  if (!s.notes.length) return;
  out.push("#### Notes", "", ...s.notes.map((n) => `- ${text(n)}`), "");
}
