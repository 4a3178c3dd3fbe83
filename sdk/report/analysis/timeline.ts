import type { SampleColumns, TimelinePoint } from "../../core/journal.ts";
import { latencySummary } from "./percentiles.ts";

export interface TimelineRange {
  /** First bucket's start, ms from the scenario's start; default 0. */
  start?: number;
  /** End of the last bucket (exclusive); default just after the last request's start. */
  end?: number;
}

/**
 * Buckets requests by start time: one point per `bucketMs` from `start`, empty buckets included (requests 0,
 * null percentiles) so that a chart shows the gap where a partition stopped all traffic.
 */
export function timeline(
  samples: SampleColumns | undefined,
  bucketMs = 1000,
  range: TimelineRange = {},
): TimelinePoint[] {
  if (!(bucketMs > 0)) throw new RangeError(`timeline: bucketMs must be > 0, found ${bucketMs}`);
  const t = samples?.t ?? [];
  const start = range.start ?? 0;
  let count: number;
  if (range.end !== undefined) count = Math.max(0, Math.ceil((range.end - start) / bucketMs));
  else {
    if (t.length === 0) return [];
    let last = t[0];
    for (const v of t) if (v > last) last = v;
    count = Math.max(0, Math.floor((last - start) / bucketMs) + 1);
  }
  const latencies: number[][] = Array.from({ length: count }, () => []);
  const errors = new Array<number>(count).fill(0);
  for (let i = 0; i < t.length; i++) {
    const k = Math.floor((t[i] - start) / bucketMs);
    if (k < 0 || k >= count) continue;
    latencies[k].push(samples!.latencyMs[i]);
    if (!samples!.ok[i]) errors[k]++;
  }
  return latencies.map((bucket, k) => ({
    t: start + k * bucketMs,
    requests: bucket.length,
    errors: errors[k],
    ...latencySummary(bucket),
  }));
}
