// Descriptor exhaustion is invisible to a Node server: libuv's EMFILE trick accepts and closes the
// connections it cannot keep, and no 'error' is emitted. So each service watches its own descriptors and
// logs `emfile` when they run out; `crash-on-emfile` turns that into the crash of a service that treats
// EMFILE as fatal.
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

export function watchDescriptors(log: Logger, crash: boolean, everyMs = 250): void {
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
