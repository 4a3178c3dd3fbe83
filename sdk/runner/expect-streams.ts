// Checks on streaming background traffic (a scenario's trafficStream, or the system's traffic.stream), per
// window: time to first token or the longest gap between tokens at a percentile, and how many streams were cut.
// They read the samples' stream columns over the window the window stats counted.
import type { SampleColumns, WindowName } from "../core/journal.ts";
import type { Check, Observations } from "./expect.ts";

/** What a latency check measures: the whole request (default) or the tokens of streaming traffic. */
export type LatencyMetric = "http_req_duration" | "time_to_first_token" | "longest_token_gap";

const COLUMN: Record<Exclude<LatencyMetric, "http_req_duration">, "ttftMs" | "itlMaxMs"> = {
  time_to_first_token: "ttftMs",
  longest_token_gap: "itlMaxMs",
};

const LABEL: Record<Exclude<LatencyMetric, "http_req_duration">, string> = {
  time_to_first_token: "time to first token",
  longest_token_gap: "longest gap between tokens",
};

/** The indexes of the samples that the window's stats counted ("before": only those finished by its end). */
function inWindow(o: Observations, name: WindowName): number[] {
  const w = o.windows[name];
  const s: SampleColumns = o.samples;
  if (!w || !s) return [];
  const out: number[] = [];
  for (let i = 0; i < s.t.length; i++) {
    if (s.t[i] < w.start || s.t[i] >= w.end) continue;
    if (name === "before" && s.t[i] + s.latencyMs[i] > w.end) continue;
    out.push(i);
  }
  return out;
}

/** Nearest-rank percentile of ascending values; "max" the largest. */
function percentile(sorted: readonly number[], p: "p50" | "p95" | "p99" | "max"): number {
  if (p === "max") return sorted[sorted.length - 1];
  const q = Number(p.slice(1)) / 100;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const noStream =
  "the traffic did not stream (set the scenario's trafficStream or the system's traffic.stream)";

/** A percentile of a token metric of the window's streams is below a bound. */
export function tokenLatencyBelow(
  name: WindowName,
  p: "p50" | "p95" | "p99" | "max",
  maxMs: number,
  metric: Exclude<LatencyMetric, "http_req_duration">,
  label?: string,
): Check {
  return (o) => {
    const column = o.samples?.[COLUMN[metric]];
    const check = { name: label ?? `${p} ${LABEL[metric]} ${name} the fault`, expected: `< ${maxMs} ms` };
    if (!column) return { ...check, observed: noStream, ok: false };
    const values = inWindow(o, name)
      .map((i) => column[i])
      .filter((v): v is number => typeof v === "number")
      .sort((a, b) => a - b);
    if (values.length === 0) return { ...check, observed: "no stream gave a token", ok: false };
    const v = percentile(values, p);
    return { ...check, observed: `${Math.round(v)} ms over ${values.length} streams`, ok: v < maxMs };
  };
}

/**
 * The window's cut streams (reset, ended before done, an error event, or no token within the inter-token
 * timeout), counted from the client's side, are within [min, max] (each optional).
 */
export function cutStreams(name: WindowName, bounds: { min?: number; max?: number }, label?: string): Check {
  const expected = [
    bounds.min !== undefined ? `>= ${bounds.min}` : "",
    bounds.max !== undefined ? `<= ${bounds.max}` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return (o) => {
    const check = {
      name: label ?? `streams cut ${name} the fault`,
      expected: `${expected || "any"} cut streams`,
    };
    const cut = o.samples?.cut;
    if (!cut) return { ...check, observed: noStream, ok: false };
    const idx = inWindow(o, name);
    // every 2xx answer was read as a stream
    const streams = idx.filter((i) => o.samples.status[i] >= 200 && o.samples.status[i] < 300);
    const byKind = new Map<string, number>();
    for (const i of idx) if (cut[i]) byKind.set(cut[i] as string, (byKind.get(cut[i] as string) ?? 0) + 1);
    const n = [...byKind.values()].reduce((a, b) => a + b, 0);
    const kinds = [...byKind].map(([k, c]) => `${k}: ${c}`).join(", ");
    return {
      ...check,
      observed: `${n} of ${streams.length} streams cut${kinds ? ` (${kinds})` : ""}`,
      ok: n >= (bounds.min ?? 0) && n <= (bounds.max ?? Number.POSITIVE_INFINITY),
    };
  };
}
