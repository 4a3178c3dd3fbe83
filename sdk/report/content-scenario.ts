// One scenario's section: verdict and reasons, expected behaviour, every check, faults, windows, recovery,
// recorded observations, charts, load, notes.
import type { ScenarioResult, Verdict, WindowStats } from "../core/journal.ts";
import {
  relativeMs,
  scenarioDurationMs,
  scenarioWindowStats,
  WINDOW_NAMES,
} from "./analysis/scenario-windows.ts";
import { loadBlocks } from "./content-load.ts";
import type { Block, Figure, Inline, Tone } from "./document.ts";
import { failureReasons } from "./failure-reasons.ts";
import { fmtDuration, fmtInstant, fmtMs, fmtOffset, fmtPct, verdictWord } from "./format.ts";
import { thresholdsJudged } from "./threshold-words.ts";

export interface ScenarioFigures {
  /** Latency and errors around the fault windows. */
  chart?: Figure;
  /** The load's charts (users, rate, latency, statuses; latency distribution). */
  load?: Figure[];
  /** Streaming traffic: time to first token, longest gap and cut streams around the fault windows. */
  tokens?: Figure;
}

/** The id used for a scenario's anchor in the report. */
export function scenarioAnchor(id: string): string {
  return `scenario-${id.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
}

export function verdictTone(verdict: Verdict | string): Tone {
  return verdict === "passed"
    ? "pass"
    : verdict === "failed"
      ? "fail"
      : verdict === "error" || verdict === "interrupted"
        ? "error"
        : "skip";
}

export function scenarioSection(s: ScenarioResult, figures: ScenarioFigures = {}): Block {
  const reasons = failureReasons(s);
  const blocks: Block[] = [
    { kind: "heading", level: 3, text: `${s.id}: ${s.name}`, anchor: scenarioAnchor(s.id) },
    {
      kind: "paragraph",
      content: [
        { text: verdictWord(s.verdict), strong: true, tone: verdictTone(s.verdict) },
        `: ${reasons.length === 1 ? reasons[0] : reasons.length ? `${reasons.length} reasons:` : s.reason}`,
      ],
    },
  ];
  if (reasons.length > 1) blocks.push({ kind: "list", items: reasons });
  blocks.push(
    {
      kind: "paragraph",
      content: [
        "Suite ",
        { text: s.suite, code: true },
        ", category ",
        { text: s.category, code: true },
        ", file ",
        { text: s.file, code: true },
        `; started ${fmtInstant(s.startedAt)}, ran ${fmtDuration(scenarioDurationMs(s))}.`,
      ],
    },
    { kind: "heading", level: 4, text: "Expected behaviour" },
    { kind: "quote", lines: s.expected.split(/\r?\n/) },
  );
  if (s.verdict === "skipped") {
    if (s.enable)
      blocks.push({ kind: "paragraph", content: ["To run it: ", { text: s.enable, code: true }] });
    blocks.push(...notes(s));
    return { kind: "section", id: s.id, tone: verdictTone(s.verdict), blocks };
  }
  if (s.checks.length || !s.load) blocks.push({ kind: "heading", level: 4, text: "Observed" });
  if (s.checks.length)
    blocks.push({
      kind: "table",
      header: ["check", "expected", "observed", "ok"],
      rows: s.checks.map((c) => [
        c.name,
        c.expected,
        c.observed,
        { text: c.ok ? "yes" : "NO", tone: c.ok ? "pass" : "fail" },
      ]),
    });
  else if (!s.load) blocks.push({ kind: "paragraph", content: "No checks were recorded." });
  blocks.push(...observations(s), ...faults(s), ...logWindow(s), ...windows(s), ...recovery(s));
  if (figures.chart) blocks.push({ kind: "figure", figure: figures.chart });
  if (figures.tokens) blocks.push({ kind: "figure", figure: figures.tokens });
  blocks.push(...loadBlocks(s.load, thresholdsJudged(s), figures.load), ...restorations(s), ...notes(s));
  return { kind: "section", id: s.id, tone: verdictTone(s.verdict), blocks };
}

// What the services logged while the fault was applied, kept in a file of the run folder.
function logWindow(s: ScenarioResult): Block[] {
  const w = s.logWindow;
  if (!w) return [];
  return [
    {
      kind: "paragraph",
      content: [
        "What the services logged during the fault window: ",
        { text: w.file, href: encodeURI(w.file) },
        ` (${w.lines} line${w.lines === 1 ? "" : "s"}).`,
      ],
    },
  ];
}

// Services found down after the scenario, and whether they were started again before the next one.
function restorations(s: ScenarioResult): Block[] {
  const list = s.restorations ?? [];
  if (!list.length) return [];
  return [
    { kind: "heading", level: 4, text: "Services restarted after this scenario" },
    {
      kind: "table",
      header: ["service", "why", "restarted"],
      rows: list.map((r) => [
        r.service,
        r.why,
        r.ok
          ? { text: "yes", tone: "pass" }
          : { text: `NO: ${r.error ?? "no reason recorded"}`, tone: "fail" },
      ]),
    },
  ];
}

// What the scenario recorded with ctx.record (journals that have the field): retries, in-flight requests, ….
function observations(s: ScenarioResult): Block[] {
  const recorded = (s as { observations?: unknown }).observations;
  if (typeof recorded !== "object" || recorded === null || Array.isArray(recorded)) return [];
  const entries = Object.entries(recorded as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return [];
  return [
    { kind: "heading", level: 4, text: "Recorded by the scenario" },
    {
      kind: "table",
      header: ["observation", "value"],
      rows: entries.map(([k, v]) => [k, observationText(v)]),
    },
  ];
}

// A recorded value in one cell: short values as they are, long ones (a series of probes) summarised.
function observationText(v: unknown): string {
  const json = typeof v === "string" ? v : (JSON.stringify(v) ?? "n/a");
  if (json.length <= 160) return json;
  if (Array.isArray(v)) return `${v.length} values (all in results.json)`;
  if (typeof v === "object" && v !== null)
    return `an object with ${Object.keys(v).join(", ")} (all in results.json)`;
  return `${json.slice(0, 157)}…`;
}

function faults(s: ScenarioResult): Block[] {
  if (!s.faults.length) return [];
  return [
    { kind: "heading", level: 4, text: "Fault windows" },
    {
      kind: "table",
      header: ["fault", "kind", "target", "applied", "reverted", "from", "to", "length"],
      rows: s.faults.map((f) => {
        const from = relativeMs(s, f.appliedAt);
        const to = f.revertedAt === undefined ? undefined : relativeMs(s, f.revertedAt);
        return [
          f.description,
          f.kind,
          f.target,
          fmtInstant(s.startedAt + from),
          to === undefined ? { text: "never (not reverted)", tone: "fail" } : fmtInstant(s.startedAt + to),
          fmtOffset(from),
          to === undefined ? "n/a" : fmtOffset(to),
          to === undefined ? "n/a" : fmtDuration(to - from),
        ];
      }),
    },
  ];
}

function windows(s: ScenarioResult): Block[] {
  const stats = scenarioWindowStats(s);
  const rows = WINDOW_NAMES.filter((n) => stats[n]).map((n) => windowRow(n, stats[n]!));
  if (!rows.length) return [];
  return [
    { kind: "heading", level: 4, text: "Latency and errors before, during and after" },
    {
      kind: "table",
      header: [
        "window",
        "from",
        "to",
        "requests",
        "failed",
        "error rate",
        "p50",
        "p95",
        "p99",
        "max",
        "statuses",
      ],
      rows,
      align: ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "l"],
    },
  ];
}

function windowRow(name: string, w: WindowStats): Inline[] {
  const statuses = Object.entries(w.byStatus)
    .map(([status, n]) => `${status === "0" ? "network error" : status}: ${n}`)
    .join(", ");
  return [
    name,
    fmtOffset(w.start),
    fmtOffset(w.end),
    String(w.requests),
    String(w.failed),
    w.requests ? fmtPct(w.errorRate) : "n/a",
    fmtMs(w.p50),
    fmtMs(w.p95),
    fmtMs(w.p99),
    fmtMs(w.max),
    statuses || "n/a",
  ];
}

function recovery(s: ScenarioResult): Block[] {
  const r = s.recovery;
  if (!r) return [];
  const ttr =
    r.timeToRecoverMs === null ? "did not recover" : `recovered in ${fmtDuration(r.timeToRecoverMs)}`;
  const verdict = r.recovered ? "within the deadline" : "NOT within the deadline";
  return [
    { kind: "heading", level: 4, text: "Recovery" },
    {
      kind: "paragraph",
      content: [
        "Time to recover: ",
        { text: ttr, strong: true, tone: r.recovered ? "pass" : "fail" },
        ` (deadline ${fmtDuration(r.deadlineMs)}: ${verdict}).`,
      ],
    },
    { kind: "paragraph", content: `Criterion: ${r.criterion}.` },
  ];
}

function notes(s: ScenarioResult): Block[] {
  if (!s.notes.length) return [];
  return [
    { kind: "heading", level: 4, text: "Notes" },
    { kind: "list", items: s.notes },
  ];
}
