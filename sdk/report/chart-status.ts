// Response classes for the status panels: what a reader asks first of a failure (shed? timed out? reset?).
import type { LegendEntry } from "./svg.ts";

export const STATUS_CLASSES = [
  { key: "2xx", color: "#54a24b" },
  { key: "429", color: "#eeca3b" },
  { key: "502", color: "#9467bd" },
  { key: "503", color: "#f58518" },
  { key: "504", color: "#8c564b" },
  { key: "other 5xx", color: "#e45756" },
  { key: "4xx", color: "#bcbd22" },
  { key: "no answer (reset or timeout)", color: "#3b3b3b" },
] as const;

export type StatusClass = (typeof STATUS_CLASSES)[number]["key"];

/** The class of an HTTP status; 0 is a request that got no answer (connection reset, refused, timed out). */
export function statusClass(status: number): StatusClass {
  if (status === 0) return "no answer (reset or timeout)";
  if (status < 400) return "2xx";
  if ([429, 502, 503, 504].includes(status)) return String(status) as StatusClass;
  if (status >= 500) return "other 5xx";
  return "4xx";
}

export const STATUS_COLOR = {
  domain: STATUS_CLASSES.map((c) => c.key) as string[],
  range: STATUS_CLASSES.map((c) => c.color) as string[],
};

/** Legend entries for the classes present, in the fixed order. */
export function statusLegend(present: Iterable<string>): LegendEntry[] {
  const seen = new Set(present);
  return STATUS_CLASSES.filter((c) => seen.has(c.key)).map((c) => ({ label: c.key, color: c.color }));
}
