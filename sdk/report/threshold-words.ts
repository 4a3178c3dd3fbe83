// k6-style thresholds ("http_req_duration p(95)<500") said in plain words with units, and whether a scenario
// judges them or only reports them (a load past capacity on purpose measures them without expecting them).
import type { ScenarioResult } from "../core/journal.ts";
import type { LoadThreshold } from "./analysis/load-view.ts";
import { fmtMs, fmtNum, fmtPct } from "./format.ts";

/** The name of the check that judges a load's thresholds (expect.thresholdsHeld). */
export const THRESHOLDS_CHECK = "load thresholds";

/** How a threshold counts: judged and held, judged and failed, or measured only (never a "NO"). */
export type ThresholdState = "pass" | "fail" | "reported";

const METRIC_WORDS: Record<string, string> = {
  http_req_duration: "latency",
  http_req_waiting: "time to first byte",
  http_req_failed: "failed requests",
  checks: "checks passed",
  iteration_duration: "iteration time",
  http_reqs: "requests",
  dropped_iterations: "dropped iterations",
  time_to_first_token: "time to first token",
  inter_token_latency: "inter-token latency",
  time_per_output_token: "time per output token",
  output_tokens: "output tokens",
  streams_cut: "cut streams",
};

/** Trends in ms, and counters whose "rate" is per second (not a share). */
const MS_METRICS = /duration|waiting|latency|time_to_first_token|time_per_output_token/;
const COUNTERS = /^(http_reqs|iterations|dropped_iterations|output_tokens)$/;

interface Parsed {
  stat: string;
  op: string;
  limit: number;
}

function parse(expression: string): Parsed | undefined {
  const m = /^\s*([a-z]+(?:\(\s*[\d.]+\s*\))?)\s*(<=|>=|==|!=|<|>)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/i.exec(
    expression,
  );
  if (!m) return undefined;
  return { stat: m[1].replace(/\s+/g, ""), op: m[2], limit: Number(m[3]) };
}

function statWords(stat: string): string {
  const p = /^p\(([\d.]+)\)$/.exec(stat);
  if (p) return `p${p[1]}`;
  return { avg: "mean", med: "median", min: "min", max: "max", rate: "", count: "count" }[stat] ?? stat;
}

/** A metric's value with its unit: ms for durations, % for rates, a plain number otherwise. */
export function thresholdValueWords(metric: string, stat: string, value: number | null): string {
  if (value === null) return "n/a";
  if (stat === "rate" && COUNTERS.test(metric)) return `${fmtNum(value, 1)}/s`;
  if (stat === "rate" || /failed|checks/.test(metric)) return fmtPct(value);
  // Whole ms from 100 ms up: "p95 latency 2050 ms", not "2050.047 ms".
  if (MS_METRICS.test(metric)) return value >= 100 ? `${Math.round(value)} ms` : fmtMs(value);
  return fmtNum(value, 3);
}

function relation(value: number, limit: number): string {
  return value > limit ? ">" : value < limit ? "<" : "=";
}

/**
 * One threshold in words: "p95 latency 2050 ms > 500 ms limit" when it failed, "p95 latency 263.2 ms (limit
 * < 500 ms)" when it held. An expression it cannot parse is shown as written.
 */
export function thresholdWords(t: LoadThreshold): string {
  const parsed = parse(t.expression);
  if (!parsed) return `${t.metric} ${t.expression}: ${t.value ?? "n/a"}`;
  const what = [statWords(parsed.stat), METRIC_WORDS[t.metric] ?? t.metric].filter(Boolean).join(" ");
  const value = thresholdValueWords(t.metric, parsed.stat, t.value);
  const limit = thresholdValueWords(t.metric, parsed.stat, parsed.limit);
  if (t.ok || t.value === null) return `${what} ${value} (limit ${parsed.op} ${limit})`;
  return `${what} ${value} ${relation(t.value, parsed.limit)} ${limit} limit`;
}

/** Whether the scenario judges its load's thresholds (has the thresholds check) or only reports them. */
export function thresholdsJudged(s: Pick<ScenarioResult, "checks">): boolean {
  return s.checks.some((c) => c.name === THRESHOLDS_CHECK);
}

export function thresholdState(judged: boolean, t: LoadThreshold): ThresholdState {
  if (!judged) return "reported";
  return t.ok ? "pass" : "fail";
}

/** The verdict cell of a threshold: "pass", "FAIL", or for a reported one what it measured, never "NO". */
export function thresholdStateWords(state: ThresholdState, ok: boolean): string {
  if (state === "pass") return "pass";
  if (state === "fail") return "FAIL";
  return ok ? "held (reported, not judged)" : "exceeded (reported, not judged)";
}
