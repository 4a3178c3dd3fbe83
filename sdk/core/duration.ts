// The one duration parser. Inside the SDK every duration is a number of milliseconds;
// time scaling for quick runs is applied here and nowhere else.
import { DurationError, HivestormError } from "./errors.ts";
import { runScope } from "./run-scope.ts";

/** A duration as users write it: milliseconds, or "500ms", "60s", "5m", "1h", "1m30s", "1.5s". */
export type Duration = number | string;

/** The longest wait a Node timer honours (2^31 - 1 ms, about 24.8 days): a longer one fires after ~1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration too long for a timer: refused rather than silently turned into a 1 ms wait. */
export class DurationTooLongError extends HivestormError {
  constructor(input: unknown, what: string) {
    super("E_DURATION", `${what} ${JSON.stringify(input)} is too long`, {
      expected: `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node timer waits)`,
      found: typeof input === "number" ? `${input} ms` : String(input),
    });
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/gy;

/**
 * Parses a duration to milliseconds. Throws DurationError for anything else: negative numbers, NaN, empty
 * strings, unknown units, more than MAX_TIMER_MS. Zero is allowed here; callers that need a positive duration say so (`positive`).
 */
export function parseDuration(input: Duration, what = "duration"): number {
  const ms = parseUnbounded(input, what);
  if (ms > MAX_TIMER_MS) throw new DurationTooLongError(input, what);
  return ms;
}

function parseUnbounded(input: Duration, what: string): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input) || input < 0) throw new DurationError(input, what);
    return input;
  }
  if (typeof input !== "string") throw new DurationError(input, what);
  const text = input.trim();
  if (text === "") throw new DurationError(input, what);
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  let total = 0;
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(text); m !== null; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    end = PART.lastIndex;
  }
  if (end !== text.length || end === 0) throw new DurationError(input, what);
  return total;
}

/** Like parseDuration, but zero is refused too. */
export function parsePositiveDuration(input: Duration, what = "duration"): number {
  const ms = parseDuration(input, what);
  if (ms <= 0) throw new DurationError(input, `${what} (must be greater than zero)`);
  return ms;
}

/** Returns the problem with a duration as a string, or undefined when it is fine: for validators. */
export function durationProblem(input: unknown, { positive = false } = {}): string | undefined {
  try {
    const ms = parseDuration(input as Duration);
    if (positive && ms <= 0) return `must be greater than zero, found ${JSON.stringify(input)}`;
    return undefined;
  } catch (error) {
    if (error instanceof DurationTooLongError)
      return `at most ${MAX_TIMER_MS} ms (about 24.8 days, the longest a Node timer waits), found ${JSON.stringify(input)}`;
    return `expected a duration such as "500ms", "60s" or "5m" (or milliseconds), found ${JSON.stringify(input)}`;
  }
}

/** Formats milliseconds for people: 850 → "850ms", 1500 → "1.5s", 90000 → "1m30s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${round(ms)}ms`;
  if (ms < 60_000) return `${round(ms / 1000)}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}` || "0s";
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

// --- time scaling -------------------------------------------------------------------------------------------

/** Bounds of a time scale: beyond them a phase would last longer than a timer can wait, or less than a tick. */
export const TIME_SCALE_LIMITS = { min: 0.001, max: 1000 } as const;

/** Throws unless `factor` is a usable time scale (a finite number within TIME_SCALE_LIMITS). */
export function checkTimeScale(factor: number): number {
  if (!Number.isFinite(factor) || factor < TIME_SCALE_LIMITS.min || factor > TIME_SCALE_LIMITS.max)
    throw new DurationError(
      factor,
      `time scale (a number from ${TIME_SCALE_LIMITS.min} to ${TIME_SCALE_LIMITS.max})`,
    );
  return factor;
}

/**
 * The factor applied to scenario and plan durations in the current run (`--time-scale F`, `--quick`): 0.1 makes
 * a 5-minute ramp last 30 s. It travels with the run (sdk/core/run-scope.ts), never as a process-wide setting.
 * Protocol timeouts (Toxiproxy latency, HTTP timeouts) are not scaled: only wall-clock phases.
 */
export function getTimeScale(): number {
  return runScope()?.timeScale ?? 1;
}

/** Parses a duration and applies the current time scale: for phase lengths (fault windows, load stages). */
export function scaledDuration(input: Duration, what = "duration"): number {
  return parseDuration(input, what) * getTimeScale();
}
