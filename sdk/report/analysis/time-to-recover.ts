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

  // Two pointers over the sorted starts: [lo, hi) is the window beginning at request lo.
  let hi = 0;
  let okInWindow = 0;
  for (let lo = 0; lo < order.length; lo++) {
    const start = t[order[lo]];
    if (start + windowMs > endMs) break;
    while (hi < order.length && t[order[hi]] < start + windowMs) {
      if (samples!.ok[order[hi]]) okInWindow++;
      hi++;
    }
    const count = hi - lo;
    if (count >= minRequests && okInWindow / count >= criterion.minSuccessRate && p95Fits(lo, hi)) {
      return start - fromMs;
    }
    if (samples!.ok[order[lo]]) okInWindow--;
  }
  return null;

  function p95Fits(lo: number, hi: number): boolean {
    if (criterion.maxP95 === undefined) return true;
    const latencies = order
      .slice(lo, hi)
      .map((i) => samples!.latencyMs[i])
      .sort((a, b) => a - b);
    return (percentile(latencies, 0.95) ?? Number.POSITIVE_INFINITY) <= criterion.maxP95;
  }
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
