// What the report says and in which order, for REPORT.md and report.html alike: the verdict, then what failed
// and why, then what was skipped, then every scenario (failures first) with its charts, then the run's details.
// A pure function of the journal: no clock, no locale, no machine state.
import type { RunJournal, ScenarioResult, Verdict } from "../core/journal.ts";
import { type ScenarioFigures, scenarioAnchor, scenarioSection, verdictTone } from "./content-scenario.ts";
import type { Block, Figure, Inline, Tone } from "./document.ts";
import { failureReasons, isFailure, reasonLine } from "./failure-reasons.ts";
import { fmtBytes, fmtDuration, fmtInstant, verdictWord } from "./format.ts";

export interface ReportFigures {
  /** Scenario id → its charts. */
  scenarios?: Record<string, ScenarioFigures>;
  /** Run-wide charts (the recovery overview), shown after the list of scenarios. */
  overview?: Figure[];
}

const VERDICTS: readonly Verdict[] = ["passed", "failed", "error", "interrupted", "skipped"];
const ORDER: Record<Verdict, number> = { failed: 0, error: 1, interrupted: 2, passed: 3, skipped: 4 };
const VERDICT_COUNT_WORDS: Record<Verdict, string> = {
  passed: "passed",
  failed: "failed",
  error: "errored",
  interrupted: "interrupted",
  skipped: "skipped",
};

/** "23 passed, 2 failed, 0 errored, 0 skipped" (interrupted only when some were). */
function countWords(c: Record<Verdict, number>): string {
  return VERDICTS.filter((v) => v !== "interrupted" || c[v] > 0)
    .map((v) => `${c[v]} ${VERDICT_COUNT_WORDS[v]}`)
    .join(", ");
}

export function buildReport(journal: RunJournal, figures: ReportFigures = {}): Block[] {
  const scenarios = journal.scenarios;
  const blocks: Block[] = [
    { kind: "heading", level: 1, text: `hivestorm run ${journal.runId}` },
    verdictBanner(journal),
  ];
  const failures = scenarios.filter((s) => isFailure(s.verdict));
  if (failures.length)
    blocks.push(
      { kind: "heading", level: 2, text: "What failed, and why", anchor: "what-failed" },
      {
        kind: "failures",
        items: failures.map((s) => ({
          id: s.id,
          name: s.name,
          verdict: s.verdict as "failed" | "error" | "interrupted",
          href: `#${scenarioAnchor(s.id)}`,
          reasons: failureReasons(s),
        })),
      },
    );
  const skips = scenarios.filter((s) => s.verdict === "skipped");
  if (skips.length)
    blocks.push(
      { kind: "heading", level: 2, text: "Skipped", anchor: "skipped" },
      {
        kind: "skips",
        items: skips.map((s) => ({
          id: s.id,
          name: s.name,
          href: `#${scenarioAnchor(s.id)}`,
          reason: s.reason,
          enable: s.enable,
        })),
      },
    );
  blocks.push({ kind: "heading", level: 2, text: "All scenarios", anchor: "all-scenarios" });
  if (!scenarios.length) blocks.push({ kind: "paragraph", content: "No scenario ran." });
  else
    blocks.push({
      kind: "table",
      header: ["id", "name", "suite", "verdict", "reason", "time to recover"],
      rows: scenarios.map((s) => [
        { text: s.id, href: `#${scenarioAnchor(s.id)}` },
        s.name,
        s.suite,
        { text: verdictWord(s.verdict), tone: verdictTone(s.verdict) },
        reasonLine(s),
        ttr(s),
      ]),
    });
  for (const figure of figures.overview ?? []) blocks.push({ kind: "figure", figure });
  if (scenarios.length) {
    blocks.push({ kind: "heading", level: 2, text: "Scenarios in detail", anchor: "scenarios" });
    const ordered = scenarios
      .map((s, i) => ({ s, i }))
      .sort((a, b) => ORDER[a.s.verdict] - ORDER[b.s.verdict] || a.i - b.i);
    for (const { s } of ordered) blocks.push(scenarioSection(s, figures.scenarios?.[s.id]));
  }
  blocks.push(...runDetails(journal));
  if (journal.artifacts.length)
    blocks.push(
      { kind: "heading", level: 2, text: "Files of this run", anchor: "files" },
      { kind: "list", items: journal.artifacts.map((a) => ({ text: a, href: encodeURI(a) })) },
    );
  return blocks;
}

/** The run's verdict in one line, and its counts. */
export function verdictBanner(j: RunJournal): Block {
  const c = countVerdicts(j.scenarios);
  const n = j.scenarios.length;
  const bad = (["failed", "error", "interrupted"] as const).filter((v) => c[v] > 0);
  // "2 of 25 scenarios failed, 1 errored": the first count says out of how many.
  const parts = bad.map((v, i) =>
    i === 0
      ? `${c[v]} of ${n} scenario${n === 1 ? "" : "s"} ${VERDICT_COUNT_WORDS[v]}`
      : `${c[v]} ${VERDICT_COUNT_WORDS[v]}`,
  );
  if (!parts.length) parts.push(n ? `${c.passed} of ${n} scenarios passed` : "no scenario ran");
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  const why = j.statusReason ? ` (${j.statusReason})` : "";
  const took = j.endedAt === undefined ? "still running" : `took ${fmtDuration(j.endedAt - j.startedAt)}`;
  return {
    kind: "verdict",
    tone: statusTone(j.status),
    headline: `${verdictWord(j.status)}: ${parts.join(", ")}${why}`,
    detail: `Run ${j.runId}, started ${fmtInstant(j.startedAt)}, ${took}; ${countWords(c)}.`,
  };
}

export function statusTone(status: string): Tone {
  return status === "passed" ? "pass" : status === "failed" ? "fail" : "error";
}

function runDetails(j: RunJournal): Block[] {
  const o = j.options;
  const env = j.environment;
  const status = `${verdictWord(j.status)}${j.statusReason ? `: ${j.statusReason}` : ""}`;
  const counts = countVerdicts(j.scenarios);
  const environment: Inline[][] = [
    ["node", env.node],
    ["platform", env.platform],
    ["cpus", String(env.cpus)],
    ["memory", fmtBytes(env.memoryBytes)],
  ];
  if (env.toxiproxy)
    environment.push([
      "toxiproxy",
      `${env.toxiproxy.url} (${env.toxiproxy.embedded ? "embedded" : "external"}${env.toxiproxy.version ? `, ${env.toxiproxy.version}` : ""})`,
    ]);
  const out: Block[] = [
    { kind: "heading", level: 2, text: "Run details", anchor: "run-details" },
    {
      kind: "table",
      header: ["run", j.runId],
      rows: [
        ["status", { text: status, tone: statusTone(j.status) }],
        ["started", fmtInstant(j.startedAt)],
        ["ended", j.endedAt === undefined ? "still running" : fmtInstant(j.endedAt)],
        ["duration", j.endedAt === undefined ? "n/a" : fmtDuration(j.endedAt - j.startedAt)],
        ["scenarios", `${j.scenarios.length} (${countWords(counts)})`],
      ],
    },
    ...suitesTable(j.scenarios),
    { kind: "heading", level: 3, text: "Options" },
    {
      kind: "table",
      header: ["option", "value"],
      rows: [
        ["suites", o.suites.join(", ") || "all"],
        ["only", o.only.join(", ") || "all"],
        ["time scale", String(o.timeScale)],
        ["quick", yesNo(o.quick)],
        ["dry run", yesNo(o.dryRun)],
        ["strict", yesNo(o.strict)],
        ["target", o.target],
        ["demo bugs", (o.systemFlags ?? o.demoBugs ?? []).join(", ") || "none"],
        ["config", o.config],
      ],
    },
    { kind: "heading", level: 3, text: "Environment" },
    { kind: "table", header: ["environment", "value"], rows: environment },
  ];
  if (j.services.length)
    out.push({
      kind: "table",
      header: ["service", "url", "proxied url", "pid"],
      rows: j.services.map((s) => [
        s.name,
        s.url,
        s.proxiedUrl ?? "n/a",
        s.pid === undefined ? "n/a" : String(s.pid),
      ]),
    });
  return out;
}

function suitesTable(scenarios: ScenarioResult[]): Block[] {
  const suites = [...new Set(scenarios.map((s) => s.suite))];
  if (!suites.length) return [];
  const rows = suites.map((suite): Inline[] => {
    const c = countVerdicts(scenarios.filter((s) => s.suite === suite));
    const verdict =
      c.error || c.interrupted ? "error" : c.failed ? "failed" : c.passed ? "passed" : "skipped";
    return [
      suite,
      ...[
        c.passed + c.failed + c.error + c.interrupted + c.skipped,
        c.passed,
        c.failed,
        c.error + c.interrupted,
        c.skipped,
      ].map(String),
      { text: verdictWord(verdict), tone: verdictTone(verdict) },
    ];
  });
  return [
    { kind: "heading", level: 3, text: "Suites" },
    {
      kind: "table",
      header: ["suite", "scenarios", "passed", "failed", "error or interrupted", "skipped", "verdict"],
      rows,
      align: ["l", "r", "r", "r", "r", "r", "l"],
    },
  ];
}

function ttr(s: ScenarioResult): string {
  if (!s.recovery) return "n/a";
  return s.recovery.timeToRecoverMs === null ? "never" : fmtDuration(s.recovery.timeToRecoverMs);
}

export function countVerdicts(scenarios: ScenarioResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { passed: 0, failed: 0, error: 0, interrupted: 0, skipped: 0 };
  for (const s of scenarios) counts[s.verdict]++;
  return counts;
}

function yesNo(b: boolean): string {
  return b ? "yes" : "no";
}
