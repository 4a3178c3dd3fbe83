// Captured values of a load run, counted per value. A run may see millions of responses: each capture keeps
// its first `maxValues` distinct values and counts every later new value as "(other)", so that a header that
// carries a request id cannot grow the result without bound.
import { type Captured, OTHER_VALUE, valueKey } from "../core/capture.ts";

export const MAX_CAPTURE_VALUES_DEFAULT = 20;

/** Capture name → value → count. */
export type CaptureCounts = Record<string, Record<string, number>>;

export class CaptureTally {
  readonly #kept = new Map<string, Set<string>>();

  constructor(readonly maxValues: number = MAX_CAPTURE_VALUES_DEFAULT) {}

  /** The key a value is counted under: itself while the capture has room, else "(other)". */
  key(name: string, value: string | null): string {
    const v = valueKey(value);
    let kept = this.#kept.get(name);
    if (!kept) {
      kept = new Set();
      this.#kept.set(name, kept);
    }
    if (kept.has(v)) return v;
    if (kept.size >= this.maxValues) return OTHER_VALUE;
    kept.add(v);
    return v;
  }

  /** Counts one response's values into each of `counts`. */
  add(values: Captured, ...counts: CaptureCounts[]): void {
    for (const name of Object.keys(values)) {
      const k = this.key(name, values[name]);
      for (const c of counts) {
        const byValue = of(c, name);
        byValue[k] = (byValue[k] ?? 0) + 1;
      }
    }
  }
}

/** Adds `from` into `into`, value by value. */
export function mergeCounts(into: CaptureCounts, from: CaptureCounts): void {
  for (const [name, values] of Object.entries(from)) {
    const byValue = of(into, name);
    for (const [v, n] of Object.entries(values)) byValue[v] = (byValue[v] ?? 0) + n;
  }
}

function of(counts: CaptureCounts, name: string): Record<string, number> {
  if (!counts[name]) counts[name] = {};
  return counts[name];
}
