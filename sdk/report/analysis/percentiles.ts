// Percentiles in one place: simple-statistics' quantileSorted (linear interpolation, R type 7 / numpy's
// default), so the report, the notebooks and the runner agree to the last digit.
import { quantileSorted } from "simple-statistics";

/** The p-quantile (0..1) of ascending values, or null for no values (never NaN, never a throw). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return quantileSorted(sorted, p);
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** p50/p95/p99/max of latencies in any order; all null when there are none. */
export function latencySummary(latencies: readonly number[]): LatencySummary {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : null,
  };
}
