// The tables the notebooks show, built once for both the Jupyter notebooks (as Markdown) and the Observable
// pages (as HTML). Every number comes from the analysis module; this file only picks and formats. Browser-safe:
// it imports the analysis module's pure half, never its file access.
import type { RunJournal, ScenarioResult, WindowName } from "../../sdk/core/journal.ts";
import {
  type Delta,
  type RunComparison,
  readLoad,
  scenarioWindowStats,
  WINDOW_NAMES,
} from "../../sdk/report/analysis/pure.ts";
import { reasonLine } from "../../sdk/report/failure-reasons.ts";
import {
  fmtDuration,
  fmtInstant,
  fmtMs,
  fmtNum,
  fmtPct,
  table,
  verdictWord,
} from "../../sdk/report/format.ts";
import {
  thresholdState,
  thresholdStateWords,
  thresholdsJudged,
  thresholdWords,
} from "../../sdk/report/threshold-words.ts";

export interface View {
  header: string[];
  rows: string[][];
  /** Column alignment for Markdown; numbers right. */
  align?: ("l" | "r" | "c")[];
}

/** One line on the run: id, status, when, how long, verdict counts. */
export function runHeadline(run: RunJournal): string {
  const counts = new Map<string, number>();
  for (const s of run.scenarios) counts.set(s.verdict, (counts.get(s.verdict) ?? 0) + 1);
  const verdicts = [...counts].map(([v, n]) => `${n} ${v}`).join(", ") || "no scenarios";
  const length = run.endedAt !== undefined ? `, ran ${fmtDuration(run.endedAt - run.startedAt)}` : "";
  return `Run \`${run.runId}\`: **${verdictWord(run.status)}**, started ${fmtInstant(run.startedAt)}${length}; ${verdicts}.`;
}

/** One row per scenario: verdict, reason, checks held, time to recover against its deadline. */
export function verdictView(run: RunJournal): View {
  return {
    header: ["scenario", "name", "verdict", "checks held", "time to recover", "deadline", "reason"],
    rows: run.scenarios.map((s) => [
      s.id,
      s.name,
      verdictWord(s.verdict),
      `${s.checks.filter((c) => c.ok).length}/${s.checks.length}`,
      recoveryText(s),
      s.recovery ? fmtMs(s.recovery.deadlineMs) : "n/a",
      reasonLine(s),
    ]),
    align: ["l", "l", "l", "r", "r", "r", "l"],
  };
}

/**
 * Every check and load threshold of the run, failed ones first. A threshold the scenario only reports (a load
 * past capacity on purpose) is "reported", never "NO": it did not fail anything.
 */
export function checksView(run: RunJournal): View {
  const rows: { ok: boolean; row: string[] }[] = [];
  for (const s of run.scenarios) {
    for (const c of s.checks)
      rows.push({ ok: c.ok, row: [s.id, c.name, c.ok ? "yes" : "NO", c.expected, c.observed] });
    const judged = thresholdsJudged(s);
    for (const th of readLoad(s.load)?.thresholds ?? []) {
      const state = thresholdState(judged, th);
      rows.push({
        ok: state !== "fail",
        row: [
          s.id,
          `threshold ${th.metric}`,
          state === "reported" ? thresholdStateWords(state, th.ok) : th.ok ? "yes" : "NO",
          th.expression,
          thresholdWords(th),
        ],
      });
    }
  }
  rows.sort((a, b) => Number(a.ok) - Number(b.ok));
  return { header: ["scenario", "check", "ok", "expected", "observed"], rows: rows.map((r) => r.row) };
}

/** A load's totals in one row: requests, failures, error rate, throughput and its latency percentiles. */
export function loadTotalsView(s: ScenarioResult): View {
  const v = readLoad(s.load);
  if (!v) return { header: [], rows: [] };
  const t = v.totals;
  return {
    header: ["requests", "failed", "error rate", "throughput", "p50", "p90", "p95", "p99", "max"],
    rows: [
      [
        fmtNum(t.requests, 0),
        fmtNum(t.failed, 0),
        fmtPct(t.requests ? (t.failed ?? 0) / t.requests : null),
        v.throughput === null ? "n/a" : `${fmtNum(v.throughput)} req/s`,
        fmtMs(v.latency.p50),
        fmtMs(v.latency.p90),
        fmtMs(v.latency.p95),
        fmtMs(v.latency.p99),
        fmtMs(v.latency.max),
      ],
    ],
    align: ["r", "r", "r", "r", "r", "r", "r", "r", "r"],
  };
}

/** A load's thresholds: judged (pass / FAIL) or only reported, each in words with units. */
export function thresholdsView(s: ScenarioResult): View {
  const judged = thresholdsJudged(s);
  return {
    header: ["metric", "threshold", "verdict", "in words"],
    rows: (readLoad(s.load)?.thresholds ?? []).map((t) => [
      t.metric,
      t.expression,
      thresholdStateWords(thresholdState(judged, t), t.ok),
      thresholdWords(t),
    ]),
  };
}

/** Responses by status and errors by kind over a whole load. */
export function statusView(s: ScenarioResult): View {
  const v = readLoad(s.load);
  return {
    header: ["status or kind", "count"],
    rows: v
      ? [
          ...Object.entries(v.totals.byStatus).map(([k, n]) => [
            k === "0" ? "no answer" : `HTTP ${k}`,
            String(n),
          ]),
          ...Object.entries(v.totals.byKind).map(([k, n]) => [k, String(n)]),
        ]
      : [],
    align: ["l", "r"],
  };
}

/** Before, during and after the fault: requests, errors, latency percentiles (failed requests included). */
export function windowView(s: ScenarioResult): View {
  const stats = scenarioWindowStats(s);
  return {
    header: ["window", "from", "to", "requests", "failed", "error rate", "p50", "p95", "p99", "max"],
    rows: WINDOW_NAMES.flatMap((name) => {
      const w = stats[name];
      if (!w) return [];
      return [
        [
          name,
          fmtSeconds(w.start),
          fmtSeconds(w.end),
          String(w.requests),
          String(w.failed),
          fmtPct(w.errorRate),
          fmtMs(w.p50),
          fmtMs(w.p95),
          fmtMs(w.p99),
          fmtMs(w.max),
        ],
      ];
    }),
    align: ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  };
}

/** Scenarios whose verdict differs between the runs, new failures first. */
export function verdictChangeView(cmp: RunComparison): View {
  const order = ["new-failure", "fixed", "changed", "added", "removed", "unchanged"];
  const scenarios = [...cmp.scenarios].sort((a, b) => order.indexOf(a.change) - order.indexOf(b.change));
  return {
    header: ["scenario", "name", cmp.base, cmp.head, "change"],
    rows: scenarios.map((s) => [
      s.id,
      s.name,
      s.base ? verdictWord(s.base) : "absent",
      s.head ? verdictWord(s.head) : "absent",
      s.change,
    ]),
  };
}

/** p95, p99 and error-rate deltas, scenario by window (head minus base). */
export function latencyDeltaView(cmp: RunComparison): View {
  const rows: string[][] = [];
  for (const s of cmp.scenarios)
    for (const name of WINDOW_NAMES) {
      const w = s.windows[name as WindowName];
      if (!w) continue;
      rows.push([
        s.id,
        name,
        deltaText(w.p95, fmtMs),
        deltaText(w.p99, fmtMs),
        // A difference of two rates is in percentage points, not a percentage of anything.
        deltaText(w.errorRate, fmtPct, (d) => `${sign(d)}${fmtNum(Math.abs(d) * 100, 2)} pp`),
      ]);
    }
  return {
    header: [
      "scenario",
      "window",
      "p95 base → head (Δ)",
      "p99 base → head (Δ)",
      "error rate base → head (Δ)",
    ],
    rows,
  };
}

/** Time to recover, base against head. */
export function recoveryDeltaView(cmp: RunComparison): View {
  return {
    header: ["scenario", "time to recover base → head (Δ)"],
    rows: cmp.scenarios
      .filter(
        (s) => s.timeToRecoverMs.base !== null || s.timeToRecoverMs.head !== null || s.change !== "unchanged",
      )
      .map((s) => [s.id, deltaText(s.timeToRecoverMs, fmtMs, undefined, "never")]),
  };
}

/** A View as a GitHub-flavoured Markdown table (cells escaped by the report's own formatter). */
export function toMarkdown(view: View): string {
  if (!view.rows.length) return "_(none)_";
  return table(view.header, view.rows, view.align);
}

function recoveryText(s: ScenarioResult): string {
  if (!s.recovery) return "n/a";
  return s.recovery.recovered ? fmtMs(s.recovery.timeToRecoverMs) : "never";
}

function deltaText(
  d: Delta,
  fmt: (n: number | null) => string,
  fmtDelta: (n: number) => string = (n) => `${sign(n)}${fmt(Math.abs(n))}`,
  missing = "n/a",
): string {
  const show = (n: number | null) => (n === null ? missing : fmt(n));
  return `${show(d.base)} → ${show(d.head)}${d.delta === null ? "" : ` (${fmtDelta(d.delta)})`}`;
}

function sign(n: number): string {
  return n > 0 ? "+" : n < 0 ? "−" : "±";
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
