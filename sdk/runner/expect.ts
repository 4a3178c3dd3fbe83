// Checks a scenario is judged on: each turns the observations into a CheckRecord (name, expected, observed,
// ok). They state the expected behaviour in numbers, so that a verdict says exactly what held and what did not.
import type {
  CheckRecord,
  FaultRecord,
  RecoveryRecord,
  SampleColumns,
  WindowName,
  WindowStats,
} from "../core/journal.ts";
import { thresholdWords } from "../report/threshold-words.ts";
import { captured, share } from "./expect-share.ts";
import { cutStreams, type LatencyMetric, tokenLatencyBelow } from "./expect-streams.ts";

export interface Observations {
  windows: Partial<Record<WindowName, WindowStats>>;
  recovery?: RecoveryRecord;
  samples: SampleColumns;
  faults: FaultRecord[];
  /** Values a scenario's own steps recorded with ctx.record(key, value). */
  data: Record<string, unknown>;
}

export type Check = (o: Observations) => CheckRecord;

const pct = (x: number) => `${Math.round(x * 10000) / 100}%`;
const ms = (x: number | null | undefined) => (x === null || x === undefined ? "n/a" : `${Math.round(x)} ms`);

function window(o: Observations, name: WindowName): WindowStats | undefined {
  return o.windows[name];
}

/** The share of successful requests in a window is at least `min`. */
export function successRate(name: WindowName, min: number): Check {
  return (o) => {
    const w = window(o, name);
    const rate = w?.requests ? w.ok / w.requests : Number.NaN;
    return {
      name: `success rate ${name} the fault`,
      expected: `>= ${pct(min)}`,
      observed: w?.requests ? `${pct(rate)} of ${w.requests}` : "no requests",
      ok: Boolean(w?.requests) && rate >= min,
    };
  };
}

/** The share of successful requests in a window is at most `max` (the fault must bite). */
export function successRateAtMost(name: WindowName, max: number, why: string): Check {
  return (o) => {
    const w = window(o, name);
    const rate = w?.requests ? w.ok / w.requests : Number.NaN;
    return {
      name: why,
      expected: `success rate ${name} the fault <= ${pct(max)}`,
      observed: w?.requests ? `${pct(rate)} of ${w.requests}` : "no requests",
      ok: Boolean(w?.requests) && rate <= max,
    };
  };
}

/**
 * A percentile of a window is below a bound. With `{ metric: "time_to_first_token" }` (or
 * `"longest_token_gap"`) it judges the tokens of streaming traffic instead of whole requests.
 */
export function latencyBelow(
  name: WindowName,
  p: "p50" | "p95" | "p99" | "max",
  maxMs: number,
  options?: string | { label?: string; metric?: LatencyMetric },
): Check {
  const label = typeof options === "string" ? options : options?.label;
  const metric = typeof options === "string" ? undefined : options?.metric;
  if (metric && metric !== "http_req_duration") return tokenLatencyBelow(name, p, maxMs, metric, label);
  return (o) => {
    const v = window(o, name)?.[p] ?? null;
    return {
      name: label ?? `${p} latency ${name} the fault`,
      expected: `< ${maxMs} ms`,
      observed: ms(v),
      ok: v !== null && v < maxMs,
    };
  };
}

/** A percentile rose from `before` to `name` by an amount within [min, max]. */
export function latencyIncrease(
  name: WindowName,
  p: "p50" | "p95" | "p99",
  range: { min?: number; max?: number },
): Check {
  return (o) => {
    const b = window(o, "before")?.[p] ?? null;
    const d = window(o, name)?.[p] ?? null;
    const inc = b !== null && d !== null ? d - b : null;
    const lo = range.min ?? Number.NEGATIVE_INFINITY;
    const hi = range.max ?? Number.POSITIVE_INFINITY;
    const bounds = [
      range.min !== undefined ? `>= ${range.min} ms` : "",
      range.max !== undefined ? `<= ${range.max} ms` : "",
    ]
      .filter(Boolean)
      .join(" and ");
    return {
      name: `${p} increase ${name} the fault`,
      expected: bounds,
      observed: inc === null ? "n/a" : `${ms(inc)} (${ms(b)} → ${ms(d)})`,
      ok: inc !== null && inc >= lo && inc <= hi,
    };
  };
}

/** Every failed request in the window got an HTTP answer with one of `statuses` (no hang, no reset). */
export function failuresAnsweredWith(name: WindowName, statuses: number[], minFailures = 1): Check {
  return (o) => {
    const w = window(o, name);
    const bad = Object.entries(w?.byStatus ?? {})
      .filter(([s]) => {
        const n = Number(s);
        return !(n >= 200 && n < 400) && !statuses.includes(n);
      })
      .map(([s, c]) => `${s === "0" ? "no answer" : s}: ${c}`);
    const failed = w?.failed ?? 0;
    return {
      name: `failures ${name} the fault are clean ${statuses.join("/")} answers`,
      expected: `every failure answered ${statuses.join(" or ")}${minFailures ? `, at least ${minFailures}` : ""}`,
      observed: bad.length
        ? `other outcomes: ${bad.join(", ")}`
        : `${failed} failures, all ${statuses.join("/")}`,
      ok: bad.length === 0 && failed >= minFailures,
    };
  };
}

/** After the revert the system met its steady state again within the deadline. */
export function recovered(): Check {
  return (o) => ({
    name: "recovered after the fault",
    expected: o.recovery
      ? `within ${ms(o.recovery.deadlineMs)}: ${o.recovery.criterion}`
      : "recovery measured",
    observed: o.recovery?.recovered
      ? `in ${ms(o.recovery.timeToRecoverMs)}`
      : "not recovered by the deadline",
    ok: Boolean(o.recovery?.recovered),
  });
}

interface LoadLike {
  thresholds?: { metric: string; expression: string; ok: boolean; value: number }[];
  aborted?: boolean;
  abortReason?: string;
}

/** Every k6-style threshold of the scenario's load run held (a failed threshold fails the scenario). */
export function thresholdsHeld(): Check {
  return (o) => {
    const load = o.data.load as LoadLike | undefined;
    const t = load?.thresholds ?? [];
    const failed = t.filter((x) => !x.ok);
    // In words with units: "p95 latency 2050 ms > 500 ms limit".
    const show = (x: { metric: string; expression: string; value: number; ok: boolean }) => thresholdWords(x);
    return {
      name: "load thresholds",
      expected: t.length ? t.map((x) => `${x.metric} ${x.expression}`).join(", ") : "thresholds evaluated",
      observed: !load
        ? "no load result"
        : failed.length
          ? `failed: ${failed.map(show).join(", ")}${load.aborted ? ` (aborted: ${load.abortReason})` : ""}`
          : `all ${t.length} held`,
      ok: Boolean(load) && t.length > 0 && failed.length === 0,
    };
  };
}

/** A check of the scenario's own: `fn` returns whether it held and what was seen. */
export function custom(
  name: string,
  expected: string,
  fn: (o: Observations) => { ok: boolean; observed: string },
): Check {
  return (o) => {
    try {
      return { name, expected, ...fn(o) };
    } catch (error) {
      return { name, expected, ok: false, observed: `check failed: ${(error as Error).message}` };
    }
  };
}

export const expect = {
  thresholdsHeld,
  successRate,
  successRateAtMost,
  latencyBelow,
  latencyIncrease,
  failuresAnsweredWith,
  recovered,
  custom,
  share,
  captured,
  cutStreams,
};
