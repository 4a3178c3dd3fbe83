// junit.xml for CI dashboards: one <testsuite> per suite, one <testcase> per scenario, in the journal's order.
import type { RunJournal, ScenarioResult } from "../core/journal.ts";
import { scenarioDurationMs } from "./analysis/scenario-windows.ts";
import { fmtDuration } from "./format.ts";
import { xmlAttr as attr, xmlText as text } from "./xml.ts";

export function renderJUnit(journal: RunJournal): string {
  const suites = [...new Set(journal.scenarios.map((s) => s.suite))];
  const all = counts(journal.scenarios);
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${attr(`hivestorm run ${journal.runId}`)}" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}" time="${seconds(all.ms)}">`,
  ];
  for (const suite of suites) {
    const scenarios = journal.scenarios.filter((s) => s.suite === suite);
    const c = counts(scenarios);
    const timestamp = new Date(Math.min(...scenarios.map((s) => s.startedAt))).toISOString().slice(0, 19);
    out.push(
      `  <testsuite name="${attr(suite)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${seconds(c.ms)}" timestamp="${timestamp}">`,
    );
    for (const s of scenarios) out.push(...testcase(s));
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

function testcase(s: ScenarioResult): string[] {
  const open = `    <testcase classname="${attr(`${s.suite}.${s.id}`)}" name="${attr(`${s.id}: ${s.name}`)}" file="${attr(s.file)}" time="${seconds(scenarioDurationMs(s))}"`;
  const body: string[] = [];
  if (s.verdict === "failed") {
    const failed = s.checks.filter((c) => !c.ok);
    const details = failed.map((c) => `${c.name}: expected ${c.expected}, observed ${c.observed}`);
    body.push(
      `      <failure message="${attr(s.reason)}" type="failed">${text(details.join("\n") || s.reason)}</failure>`,
    );
  } else if (s.verdict === "error" || s.verdict === "interrupted") {
    body.push(`      <error message="${attr(s.reason)}" type="${s.verdict}">${text(s.reason)}</error>`);
  } else if (s.verdict === "skipped") {
    const message = s.enable ? `${s.reason} (to run it: ${s.enable})` : s.reason;
    body.push(`      <skipped message="${attr(message)}"/>`);
  }
  const lines = [`expected: ${s.expected}`, `verdict: ${s.verdict}: ${s.reason}`];
  for (const c of s.checks)
    lines.push(`check ${c.ok ? "ok" : "FAILED"}: ${c.name}: expected ${c.expected}, observed ${c.observed}`);
  if (s.recovery) {
    const ttr = s.recovery.timeToRecoverMs === null ? "never" : fmtDuration(s.recovery.timeToRecoverMs);
    lines.push(
      `time to recover: ${ttr} (deadline ${fmtDuration(s.recovery.deadlineMs)}; ${s.recovery.criterion})`,
    );
  }
  for (const n of s.notes) lines.push(`note: ${n}`);
  body.push(`      <system-out>${text(lines.join("\n"))}</system-out>`);
  return [`${open}>`, ...body, "    </testcase>"];
}

function counts(scenarios: ScenarioResult[]) {
  return {
    tests: scenarios.length,
    failures: scenarios.filter((s) => s.verdict === "failed").length,
    errors: scenarios.filter((s) => s.verdict === "error" || s.verdict === "interrupted").length,
    skipped: scenarios.filter((s) => s.verdict === "skipped").length,
    ms: scenarios.reduce((sum, s) => sum + scenarioDurationMs(s), 0),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
