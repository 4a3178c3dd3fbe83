// What /proc says about a pid: the only view we have of processes we did not start ourselves.
import { readdir, readFile } from "node:fs/promises";
import type { TargetStatus } from "./target.ts";

/** running / paused (SIGSTOP, state T) / exited (no such pid, or a zombie waiting to be reaped). */
export async function procStatus(pid: number): Promise<Exclude<TargetStatus, "missing">> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return "exited";
  }
  // The command name in parentheses may contain spaces and ")": the state follows the last ")".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  if (state === "Z" || state === "X" || state === "x") return "exited";
  if (state === "T" || state === "t") return "paused";
  return "running";
}

/** The command line of a pid, for reports; empty when it is gone. */
export async function procCommand(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; says which. */
export async function pollUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 25,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(intervalMs, Math.max(1, deadline - Date.now())));
  }
}

import { sleep } from "../../core/sleep.ts";

export { sleep };

/**
 * Every living descendant of `pid` (children, grandchildren, ...), from the parent pids in /proc/<n>/stat:
 * a wrapper such as `npx tsx worker.ts` runs the real server as its child.
 */
export async function descendantPids(pid: number): Promise<number[]> {
  const parents = new Map<number, number[]>();
  for (const name of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, "utf8").catch(() => "");
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = parents.get(ppid) ?? [];
    list.push(Number(name));
    parents.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [...(parents.get(pid) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return out;
}
