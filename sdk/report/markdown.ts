// REPORT.md: a pure function of the journal (DESIGN.md convention 7). Same journal, same text: no clock, no
// locale, no machine state is read here.
import type { RunJournal, ScenarioResult, Verdict } from "../core/journal.ts";
import { fmtBytes, fmtDuration, fmtInstant, table, verdictWord } from "./format.ts";
import { renderScenarioSection, scenarioAnchor } from "./markdown-scenario.ts";

export interface MarkdownReportOptions {
  /** Scenario id → SVG chart path relative to the report. */
  charts?: Record<string, string>;
  /** Scenario id → load chart path relative to the report. */
  loadCharts?: Record<string, string>;
}

const VERDICTS: readonly Verdict[] = ["passed", "failed", "error", "skipped"];

export function renderMarkdownReport(journal: RunJournal, options: MarkdownReportOptions = {}): string {
  const out: string[] = [`# hivestorm run ${journal.runId}`, ""];
  out.push(...header(journal), ...suitesSummary(journal.scenarios), ...scenarioList(journal.scenarios));
  out.push("## Scenarios in detail", "");
  for (const s of journal.scenarios) {
    out.push(
      renderScenarioSection(s, { chart: options.charts?.[s.id], loadChart: options.loadCharts?.[s.id] }),
    );
  }
  if (journal.artifacts.length) {
    out.push("## Files of this run", "", ...journal.artifacts.map((a) => `- [${a}](${encodeURI(a)})`), "");
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function header(j: RunJournal): string[] {
  const counts = countVerdicts(j.scenarios);
  const o = j.options;
  const env = j.environment;
  const status = `${verdictWord(j.status)}${j.statusReason ? `: ${j.statusReason}` : ""}`;
  const rows: unknown[][] = [
    ["run", j.runId],
    ["status", status],
    ["started", fmtInstant(j.startedAt)],
    ["ended", j.endedAt === undefined ? "still running" : fmtInstant(j.endedAt)],
    ["duration", j.endedAt === undefined ? null : fmtDuration(j.endedAt - j.startedAt)],
    ["scenarios", `${j.scenarios.length} (${VERDICTS.map((v) => `${counts[v]} ${v}`).join(", ")})`],
  ];
  const options: unknown[][] = [
    ["suites", o.suites.join(", ") || "all"],
    ["only", o.only.join(", ") || "all"],
    ["time scale", o.timeScale],
    ["quick", yesNo(o.quick)],
    ["dry run", yesNo(o.dryRun)],
    ["strict", yesNo(o.strict)],
    ["target", o.target],
    ["demo bugs", (o.systemFlags ?? o.demoBugs ?? []).join(", ") || "none"],
    ["config", o.config],
  ];
  const environment: unknown[][] = [
    ["node", env.node],
    ["platform", env.platform],
    ["cpus", env.cpus],
    ["memory", fmtBytes(env.memoryBytes)],
  ];
  if (env.toxiproxy)
    environment.push([
      "toxiproxy",
      `${env.toxiproxy.url} (${env.toxiproxy.embedded ? "embedded" : "external"}${env.toxiproxy.version ? `, ${env.toxiproxy.version}` : ""})`,
    ]);
  const out = [
    table(["run", j.runId], rows.slice(1)),
    "",
    "## Options",
    "",
    table(["option", "value"], options),
    "",
    "## Environment",
    "",
    table(["environment", "value"], environment),
    "",
  ];
  if (j.services.length)
    out.push(
      table(
        ["service", "url", "proxied url", "pid"],
        j.services.map((s) => [s.name, s.url, s.proxiedUrl, s.pid]),
      ),
      "",
    );
  return out;
}

function suitesSummary(scenarios: ScenarioResult[]): string[] {
  const suites = [...new Set(scenarios.map((s) => s.suite))];
  const rows = suites.map((suite) => {
    const c = countVerdicts(scenarios.filter((s) => s.suite === suite));
    const verdict = c.error ? "ERROR" : c.failed ? "FAILED" : c.passed ? "PASSED" : "SKIPPED";
    return [
      suite,
      c.passed + c.failed + c.error + c.skipped,
      c.passed,
      c.failed,
      c.error,
      c.skipped,
      verdict,
    ];
  });
  return [
    "## Suites",
    "",
    table(["suite", "scenarios", "passed", "failed", "error", "skipped", "verdict"], rows, [
      "l",
      "r",
      "r",
      "r",
      "r",
      "r",
      "l",
    ]),
    "",
  ];
}

function scenarioList(scenarios: ScenarioResult[]): string[] {
  if (!scenarios.length) return ["## All scenarios", "", "No scenario ran.", ""];
  return [
    "## All scenarios",
    "",
    table(
      ["id", "name", "suite", "verdict", "reason", "time to recover"],
      scenarios.map((s) => [
        `[${s.id}](#${scenarioAnchor(s.id)})`,
        s.name,
        s.suite,
        verdictWord(s.verdict),
        s.reason,
        ttr(s),
      ]),
    ),
    "",
  ];
}

function ttr(s: ScenarioResult): string | null {
  if (!s.recovery) return null;
  return s.recovery.timeToRecoverMs === null ? "never" : fmtDuration(s.recovery.timeToRecoverMs);
}

function countVerdicts(scenarios: ScenarioResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { passed: 0, failed: 0, error: 0, skipped: 0, interrupted: 0 };
  for (const s of scenarios) counts[s.verdict]++;
  return counts;
}

function yesNo(b: boolean): string {
  return b ? "yes" : "no";
}
