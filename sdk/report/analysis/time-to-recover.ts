import { type Duration, parsePositiveDuration } from "../../core/duration.ts";
import type { SampleColumns } from "../../core/journal.ts";
import { percentile } from "./percentiles.ts";

export interface RecoveryCriterion {
  /** Length of the healthy window that counts as recovered ("5s" or ms). */
  window: Duration;
  /** Share of successful requests the window needs, 0..1 (e.g. 0.99). */
  minSuccessRate: number;
  /** When given, the window's p95 latency (ms, failed requests included) must not exceed it. */
  maxP95?: number;
  /** Fewer requests than this in a window prove nothing either way; default 5. */
  minRequests?: number;
  /** End of observation (ms from the scenario's start); default the last request's start. */
  endMs?: number;
}

/**
 * Time in ms from `fromMs` (typically the fault's revert) to the start of the first window of length `window`
 * that meets the criterion, or null when none does. Windows are anchored at request starts at or after
 * `fromMs` (recovery is dated by the first request of the healthy window, not by some instant in between) and
 * must lie wholly inside the observation: a window cut short by the end of traffic does not count.
 */
export function timeToRecover(
  samples: SampleColumns | undefined,
  fromMs: number,
  criterion: RecoveryCriterion,
): number | null {
  const windowMs = parsePositiveDuration(criterion.window, "recovery window");
  const minRequests = criterion.minRequests ?? 5;
  const t = samples?.t ?? [];
  const order: number[] = [];
  for (let i = 0; i < t.length; i++) if (t[i] >= fromMs) order.push(i);
  if (order.length === 0) return null;
  order.sort((a, b) => t[a] - t[b] || a - b);
  const endMs = criterion.endMs ?? t[order[order.length - 1]];

  // Two pointers over the sorted starts: [lo, hi) is the window beginning at request lo. With maxP95, the
  // window's latencies are also kept sorted (binary insert and remove) so p95 costs no sort per window.
  const sorted: number[] = [];
  const withLatency = criterion.maxP95 !== undefined;
  let hi = 0;
  let okInWindow = 0;
  for (let lo = 0; lo < order.length; lo++) {
    const start = t[order[lo]];
    if (start + windowMs > endMs) break;
    while (hi < order.length && t[order[hi]] < start + windowMs) {
      if (samples!.ok[order[hi]]) okInWindow++;
      if (withLatency)
        sorted.splice(lowerBound(sorted, samples!.latencyMs[order[hi]]), 0, samples!.latencyMs[order[hi]]);
      hi++;
    }
    const count = hi - lo;
    // Requests that start together share one window: judge it once, with all of them in.
    const firstOfTie = lo === 0 || t[order[lo - 1]] !== start;
    if (
      firstOfTie &&
      count >= minRequests &&
      okInWindow / count >= criterion.minSuccessRate &&
      (!withLatency || (percentile(sorted, 0.95) ?? Number.POSITIVE_INFINITY) <= criterion.maxP95!)
    )
      return start - fromMs;
    if (samples!.ok[order[lo]]) okInWindow--;
    if (withLatency) sorted.splice(lowerBound(sorted, samples!.latencyMs[order[lo]]), 1);
  }
  return null;
}

function lowerBound(sorted: number[], value: number): number {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (sorted[m] < value) a = m + 1;
    else b = m;
  }
  return a;
}

/** The criterion in words, for the journal's `recovery.criterion` and the report. */
export function describeRecoveryCriterion(criterion: RecoveryCriterion): string {
  const windowMs = parsePositiveDuration(criterion.window, "recovery window");
  const parts = [`${round(criterion.minSuccessRate * 100)}% of requests succeed`];
  if (criterion.maxP95 !== undefined) parts.push(`p95 <= ${criterion.maxP95} ms`);
  return `${parts.join(" and ")} over ${windowMs} ms (at least ${criterion.minRequests ?? 5} requests)`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
