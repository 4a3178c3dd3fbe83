// Descriptor exhaustion is invisible to a Node server: libuv's EMFILE trick accepts and closes the
// connections it cannot keep, and no 'error' is emitted. So each service watches its own descriptors and
// logs `emfile` when they run out; `crash-on-emfile` turns that into the crash of a service that treats
// EMFILE as fatal. A descriptor the service itself fails to open (a connection to the hive) is the other place
// it meets EMFILE: with the switch on, that crashes it too, so the bug shows whether or not a poll of the
// watcher lands in the moment the last descriptors are taken.
import { readdirSync, readFileSync } from "node:fs";
import type { Logger } from "./log.ts";

function limit(): number | undefined {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

let fatal = false;

/**
 * Called with the error of a descriptor the service failed to open: under `crash-on-emfile` an EMFILE or
 * ENFILE is thrown from a fresh tick, an uncaught exception that kills the process.
 */
export function descriptorError(err: NodeJS.ErrnoException): void {
  if (!fatal || (err.code !== "EMFILE" && err.code !== "ENFILE")) return;
  process.nextTick(() => {
    throw Object.assign(new Error(`${err.code}: too many open files (${err.message})`), { code: err.code });
  });
}

export function watchDescriptors(log: Logger, crash: boolean, everyMs = 250): void {
  fatal = crash;
  const max = limit();
  if (max === undefined) return;
  const emfile = log.sampled("emfile");
  const timer = setInterval(() => {
    let open: number;
    try {
      open = readdirSync("/proc/self/fd").length;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EMFILE" && code !== "ENFILE") return;
      open = max;
    }
    // readdir itself holds one descriptor: at max - 1 nothing else can be opened.
    if (open < max - 1) return;
    emfile({ open, limit: max });
    if (crash) {
      clearInterval(timer);
      throw Object.assign(new Error(`EMFILE: too many open files (${open} of ${max})`), { code: "EMFILE" });
    }
  }, everyMs);
  timer.unref();
}
