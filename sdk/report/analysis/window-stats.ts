import { countValues } from "../../core/capture.ts";
import type { SampleColumns, WindowStats } from "../../core/journal.ts";
import { latencySummary } from "./percentiles.ts";

/**
 * Statistics of the requests that started in [startMs, endMs) (ms from the scenario's start). Failed requests
 * count in the latency percentiles too: a request that hung for 5 s before failing is what a user waited.
 * An empty window has zero counts, errorRate 0 and null percentiles. With captured values, `captures` splits
 * the window's requests by value per capture.
 */
export function windowStats(samples: SampleColumns | undefined, startMs: number, endMs: number): WindowStats {
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  const picked: number[] = [];
  let ok = 0;
  const t = samples?.t ?? [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] < startMs || t[i] >= endMs) continue;
    picked.push(i);
    latencies.push(samples!.latencyMs[i]);
    if (samples!.ok[i]) ok++;
    const status = String(samples!.status[i]);
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  const requests = latencies.length;
  return {
    start: startMs,
    end: endMs,
    requests,
    ok,
    failed: requests - ok,
    errorRate: requests ? (requests - ok) / requests : 0,
    ...latencySummary(latencies),
    byStatus: sortKeys(byStatus),
    ...(samples?.captures ? { captures: captureSplit(samples.captures, picked) } : {}),
  };
}

function captureSplit(
  captures: Record<string, (string | null)[]>,
  picked: readonly number[],
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, values] of Object.entries(captures))
    out[name] = countValues(picked.map((i) => values[i]));
  return out;
}

/** Same object with keys in ascending order, so that the JSON and the reports are deterministic. */
function sortKeys(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(record).sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)))
    out[key] = record[key];
  return out;
}
