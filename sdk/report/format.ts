// Number, time and cell formatting shared by the Markdown and JUnit reports: one spelling for "no data".
import { markdownTable } from "markdown-table";
import { formatDuration } from "../core/duration.ts";
import type { Verdict } from "../core/journal.ts";

export const NONE = "n/a";

/** A latency in ms: 3 significant decimals under 10 ms (loopback latencies are sub-ms), 1 above. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return `${ms < 10 ? round(ms, 3) : round(ms, 1)} ms`;
}

export function fmtPct(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NONE;
  return `${round(ratio * 100, 2)}%`;
}

export function fmtNum(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return NONE;
  return String(round(n, digits));
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return ms === 0 ? "0s" : formatDuration(ms);
}

/** Seconds relative to a start, signed: "+10.5s". */
export function fmtOffset(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${round(Math.abs(ms) / 1000, 3)}s`;
}

/** An epoch-ms instant in UTC, ISO 8601 (deterministic whatever the machine's time zone). */
export function fmtInstant(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return NONE;
  return new Date(ms).toISOString();
}

export function fmtBytes(bytes: number): string {
  const gib = bytes / 1024 ** 3;
  return gib >= 1 ? `${round(gib, 1)} GiB` : `${round(bytes / 1024 ** 2, 1)} MiB`;
}

/** The verdict as one upper-case word (no emoji: reports are grepped and read in terminals). */
export function verdictWord(verdict: Verdict | string): string {
  return verdict.toUpperCase();
}

/** A table cell: pipes escaped, line breaks flattened, so that no value can break the table. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === "") return NONE;
  return text(String(value))
    .replace(/\\(?=\|)/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, " ")
    .trim();
}

/** Free text from a scenario: only a `<` that could open an HTML tag is escaped, so "< 500 ms" stays as is. */
export function text(value: string): string {
  return value.replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}

/** A GFM table of header + rows, every cell escaped. */
export function table(header: string[], rows: unknown[][], align?: ("l" | "r" | "c")[]): string {
  return markdownTable([header.map(cell), ...rows.map((r) => r.map(cell))], { align });
}

/** Inline code that survives backticks inside the value. */
export function code(value: string): string {
  const fence = value.includes("`") ? "``" : "`";
  return `${fence}${value.includes("`") ? ` ${value} ` : value}${fence}`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
