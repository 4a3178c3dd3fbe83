// Who a pid is: a pid alone can be reused by an unrelated process, so every process the ledger records carries
// its start time (field 22 of /proc/<pid>/stat, in clock ticks since boot). Same pid + same start time = same
// process; anything else is a stranger that must never be signalled.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessRef {
  pid: number;
  /** /proc/<pid>/stat field 22; undefined where /proc is not readable. */
  startTime?: string;
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and ")"); undefined if gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** The start time of a living (not zombie) pid, or undefined. */
export function processStartTime(pid: number): string | undefined {
  const f = statFields(pid);
  if (!f || f[0] === "Z" || f[0] === "X") return undefined;
  // fields after ")": state(3) ppid(4) pgrp(5) ... starttime(22) → index 22 - 3 = 19
  return f[19];
}

export function processRef(pid: number): ProcessRef {
  return { pid, startTime: processStartTime(pid) };
}

/** This process, as the ledger records its owner. */
export function selfRef(): ProcessRef {
  return processRef(process.pid);
}

/** True while the very process `ref` names is alive: a reused pid (other start time) is not it. */
export function isSameProcess(ref: ProcessRef): boolean {
  if (!Number.isSafeInteger(ref.pid) || ref.pid <= 0) return false;
  const now = processStartTime(ref.pid);
  if (now !== undefined) return ref.startTime === undefined || ref.startTime === now;
  if (ref.startTime !== undefined) return false;
  // No /proc: the best we have is "some process has this pid".
  try {
    process.kill(ref.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The parent pid of a living process, from /proc. */
export function parentPid(pid: number): number | undefined {
  const f = statFields(pid);
  return f ? Number(f[1]) : undefined;
}

/** The living members of process group `pgid` that started no earlier than `notBefore` (clock ticks). */
export function groupMembers(pgid: number, notBefore?: string): number[] {
  const members: number[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return members;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (!f || f[0] === "Z" || f[0] === "X" || Number(f[2]) !== pgid) continue;
    if (notBefore !== undefined && Number(f[19]) < Number(notBefore)) continue;
    members.push(Number(name));
  }
  return members;
}

/** The command line of a pid ("" when gone), for messages. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}
