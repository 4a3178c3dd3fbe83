// Durations as Chaos Mesh reads them: Go's time.ParseDuration syntax for `duration` and `deadline`
// ("1m30s", "500ms"), and a stricter single-unit form for netem's latency and jitter ("500ms").

const GO_DURATION = /^[+-]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/;
const SINGLE_UNIT = /^[0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h)$/;

/** Milliseconds as a Go duration: whole hours, minutes, seconds, milliseconds and microseconds, e.g. "1m30s". */
export function goDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`expected milliseconds >= 0, found ${ms}`);
  let us = Math.round(ms * 1000);
  if (us === 0) return "0s";
  const parts: string[] = [];
  for (const [unit, size] of [
    ["h", 3_600_000_000],
    ["m", 60_000_000],
    ["s", 1_000_000],
    ["ms", 1000],
    ["us", 1],
  ] as const) {
    const n = Math.floor(us / size);
    if (n > 0) parts.push(`${n}${unit}`);
    us -= n * size;
  }
  return parts.join("");
}

/** Milliseconds in one unit, as netem's latency and jitter need: "500ms", "1500ms", "250us". */
export function singleUnitDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`expected milliseconds >= 0, found ${ms}`);
  return Number.isInteger(ms) ? `${ms}ms` : `${Math.round(ms * 1000)}us`;
}

/** The problem with a Go duration string, or undefined. "0" alone is valid in Go; negatives are refused here. */
export function goDurationProblem(text: unknown, { positive = false } = {}): string | undefined {
  if (typeof text !== "string")
    return `expected a duration string such as "30s", found ${JSON.stringify(text)}`;
  if (text !== "0" && !GO_DURATION.test(text))
    return `expected a Go duration such as "30s", "1m30s" or "500ms", found ${JSON.stringify(text)}`;
  if (text.startsWith("-")) return `expected a duration >= 0, found ${JSON.stringify(text)}`;
  if (positive && !/[1-9]/.test(text)) return `expected a duration > 0, found ${JSON.stringify(text)}`;
  return undefined;
}

/** The problem with a netem latency or jitter ("<number><unit>", one unit), or undefined. */
export function singleUnitProblem(text: unknown): string | undefined {
  return typeof text === "string" && SINGLE_UNIT.test(text)
    ? undefined
    : `expected a number and one unit (ns, us, ms, s, m, h) such as "500ms", found ${JSON.stringify(text)}`;
}
