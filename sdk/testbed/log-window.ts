// What the services logged during a window: every log file a service writes (its declared logFiles and the
// stdout/stderr the testbed captures) is marked at the window's start (its size) and read from there at its end.
// Byte offsets, not timestamps: it works for any log format.
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SystemDefinition } from "../system/definition.ts";

export type LogMarks = Map<string, number>;

/** The files a system's services log to: their declared logFiles and their captured output in `logDir`. */
export function serviceLogFiles(
  system: SystemDefinition,
  logDir: string,
): { service: string; file: string }[] {
  const out: { service: string; file: string }[] = [];
  for (const [name, s] of Object.entries(system.services)) {
    for (const file of s.logFiles ?? []) out.push({ service: name, file });
    out.push({ service: name, file: join(logDir, `${name}.out.log`) });
  }
  const seen = new Set<string>();
  return out.filter((x) => !seen.has(x.file) && seen.add(x.file));
}

/** Where each log file ends now. */
export function markLogs(files: { file: string }[]): LogMarks {
  return new Map(files.map(({ file }) => [file, existsSync(file) ? statSync(file).size : 0]));
}

/** The lines written since `marks`, per service, at most `maxBytes` per file (the newest are kept). */
export function linesSince(
  files: { service: string; file: string }[],
  marks: LogMarks,
  maxBytes = 256 * 1024,
): { service: string; file: string; lines: string[] }[] {
  const out: { service: string; file: string; lines: string[] }[] = [];
  for (const { service, file } of files) {
    if (!existsSync(file)) continue;
    const end = statSync(file).size;
    const start = Math.max(marks.get(file) ?? 0, end - maxBytes);
    if (end <= start) continue;
    const buf = Buffer.alloc(end - start);
    const fd = openSync(file, "r");
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    const lines = buf.toString("utf8").split("\n").filter(Boolean);
    if (lines.length) out.push({ service, file, lines });
  }
  return out;
}
