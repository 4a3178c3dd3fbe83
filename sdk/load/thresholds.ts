// Thresholds in k6's syntax on k6's metric names, evaluated on a run's merged data. A failed threshold fails
// the run; one marked abortOnFail also stops it (checked every 2 s during the run, as k6 does locally).
import { type Duration, durationProblem, parseDuration } from "../core/duration.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import type { Histogram } from "./histogram.ts";
import { METRICS, metricProblem, metricSource, type TokenTrend } from "./metrics.ts";
import { compare, type ParsedThreshold, parseThreshold } from "./threshold-parser.ts";
import type { LoadResult, ThresholdResult } from "./types.ts";

/** k6's long form of a threshold. */
export interface ThresholdObject {
  threshold: string;
  abortOnFail?: boolean;
  delayAbortEval?: Duration;
}

/** A threshold as k6 accepts it: the expression string (short form) or the object (long form). */
export type ThresholdInput = string | ThresholdObject;

/** k6's `options.thresholds`: metric name → expressions. */
export type ThresholdMap = Record<string, readonly ThresholdInput[]>;

/** One validated threshold. */
export interface Threshold {
  metric: string;
  expression: string;
  parsed: ParsedThreshold;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

/** Collects every problem of a threshold map, with paths like `thresholds.http_req_duration[1]`. */
export function thresholdProblems(map: ThresholdMap, prefix = "thresholds"): Problem[] {
  return normalize(map, prefix).problems;
}

/** Validates and normalizes a threshold map; throws one ValidationError listing every problem. */
export function parseThresholds(map: ThresholdMap): Threshold[] {
  const { list, problems } = normalize(map, "thresholds");
  if (problems.length > 0) throw new ValidationError("thresholds", problems);
  return list;
}

function normalize(map: ThresholdMap, prefix: string): { list: Threshold[]; problems: Problem[] } {
  const list: Threshold[] = [];
  const problems: Problem[] = [];
  if (map === null || typeof map !== "object" || Array.isArray(map)) {
    return { list, problems: [{ path: prefix, message: "expected an object of metric name → expressions" }] };
  }
  for (const [metric, inputs] of Object.entries(map)) {
    const base = `${prefix}.${metric}`;
    if (!Array.isArray(inputs)) {
      problems.push({ path: base, message: 'expected an array of expressions, e.g. ["p(95)<500"]' });
      continue;
    }
    inputs.forEach((input: ThresholdInput, i: number) => {
      const path = `${base}[${i}]`;
      const obj: ThresholdObject =
        typeof input === "string" ? { threshold: input } : (input ?? { threshold: "" });
      const parsed = parseThreshold(obj.threshold);
      if (typeof parsed === "string") {
        problems.push({ path, message: parsed });
        return;
      }
      const mp = metricProblem(metric, parsed);
      if (mp) problems.push({ path, message: mp });
      let delay = 0;
      if (obj.delayAbortEval !== undefined) {
        const dp = durationProblem(obj.delayAbortEval);
        if (dp) problems.push({ path: `${path}.delayAbortEval`, message: dp });
        else delay = parseDuration(obj.delayAbortEval);
      }
      if (obj.abortOnFail !== undefined && typeof obj.abortOnFail !== "boolean") {
        problems.push({ path: `${path}.abortOnFail`, message: "expected true or false" });
      }
      if (!mp) {
        list.push({
          metric,
          expression: obj.threshold.trim(),
          parsed,
          abortOnFail: obj.abortOnFail === true,
          delayAbortEvalMs: delay,
        });
      }
    });
  }
  return { list, problems };
}

/**
 * Evaluates thresholds on a (merged) result. Accepts k6's map or already parsed thresholds. Usable on its
 * own, e.g. on a result whose timeline was cut to a window.
 */
export function evaluateThresholds(
  thresholds: ThresholdMap | readonly Threshold[],
  result: LoadResult,
  live?: Histogram,
  liveTokens?: Readonly<Record<TokenTrend, Histogram>>,
): ThresholdResult[] {
  const list = Array.isArray(thresholds)
    ? (thresholds as Threshold[])
    : parseThresholds(thresholds as ThresholdMap);
  const src = metricSource(result, live, liveTokens);
  try {
    return list.map((t) => {
      const value = METRICS[t.metric].read(src, t.parsed);
      return {
        metric: t.metric,
        expression: t.expression,
        ok: compare(value, t.parsed.operator, t.parsed.value),
        value,
        abortOnFail: t.abortOnFail,
      };
    });
  } finally {
    src.release();
  }
}

/** Back to k6's map form (for the k6 script export). */
export function toThresholdMap(list: readonly Threshold[]): Record<string, ThresholdInput[]> {
  const map: Record<string, ThresholdInput[]> = {};
  for (const t of list) {
    const entry: ThresholdInput =
      t.abortOnFail || t.delayAbortEvalMs > 0
        ? {
            threshold: t.expression,
            abortOnFail: t.abortOnFail,
            ...(t.delayAbortEvalMs > 0 ? { delayAbortEval: `${t.delayAbortEvalMs}ms` } : {}),
          }
        : t.expression;
    map[t.metric] ??= [];
    map[t.metric].push(entry);
  }
  return map;
}

/** Groups (metric, input) pairs, as plans store them, into k6's map form. */
export function groupThresholds(pairs: readonly (readonly [string, ThresholdInput])[]): ThresholdMap {
  const map: Record<string, ThresholdInput[]> = {};
  for (const [metric, input] of pairs) {
    map[metric] ??= [];
    map[metric].push(input);
  }
  return map;
}
