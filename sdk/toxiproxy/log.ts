// Upstream's logs: one JSON object per line (zerolog's layout: "level" first, then the fields, then "time" in
// RFC 3339 UTC and "message"), filtered by the LOG_LEVEL environment variable as zerolog.ParseLevel reads it.
import { isoSeconds } from "./utc-text.ts";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "panic";

const RANK: Record<LogLevel, number> = {
  trace: -1,
  debug: 0,
  info: 1,
  warn: 2,
  error: 3,
  fatal: 4,
  panic: 5,
};
const DISABLED = 7;

export type LogFields = Record<string, string | number | boolean>;

export interface ToxiproxyLogger {
  /** Whether a line at `level` would be written (so that callers skip building its fields). */
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, fields: LogFields, message?: string): void;
}

/** Logs nothing: the in-process default. */
export const silentLogger: ToxiproxyLogger = { enabled: () => false, log: () => {} };

/**
 * LOG_LEVEL as zerolog.ParseLevel reads it: a level name in any case ("warning" too), "disabled", a number from
 * -128 to 127, or "" (which, as upstream, shows nothing). Unset: everything from trace up (zerolog's default).
 */
export function parseLogLevel(value: string | undefined): { threshold: number; error?: string } {
  if (value === undefined) return { threshold: -128 };
  const v = value.toLowerCase();
  if (v === "warning") return { threshold: RANK.warn };
  if (v in RANK) return { threshold: RANK[v as LogLevel] };
  if (v === "disabled") return { threshold: DISABLED };
  if (v === "") return { threshold: 6 };
  if (/^[+-]?\d+$/.test(value)) {
    const n = Number(value);
    if (n >= -128 && n <= 127) return { threshold: n };
    return { threshold: -128, error: `Out-Of-Bounds Level: '${n}', defaulting to NoLevel` };
  }
  return { threshold: -128, error: `Unknown Level String: '${value}', defaulting to NoLevel` };
}

/** zerolog's TimeFieldFormat default: RFC 3339 to the second. */
const now = (): string => isoSeconds();

/** A logger writing JSON lines through `write`, at LOG_LEVEL `level` (undefined: unset). */
export function jsonLogger(write: (line: string) => void, level: string | undefined): ToxiproxyLogger {
  const parsed = parseLogLevel(level);
  const logger: ToxiproxyLogger = {
    enabled: (l) => RANK[l] >= parsed.threshold,
    log(l, fields, message) {
      if (!logger.enabled(l)) return;
      const line: Record<string, string | number | boolean> = { level: l, ...fields, time: now() };
      if (message) line.message = message;
      write(`${JSON.stringify(line)}\n`);
    },
  };
  if (parsed.error !== undefined) {
    logger.log("error", { error: parsed.error }, `unknown LOG_LEVEL value: "${level}"`);
  }
  return logger;
}
