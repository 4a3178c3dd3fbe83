// Real processes for the reaper tests: sleepers in a process group of their own, and a way to wait for them.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groupMembers, processStartTime } from "../../sdk/core/process-identity.ts";

export const tempDir = (prefix = "hs-reap-") => mkdtempSync(join(tmpdir(), prefix));

/** `sh` leading a group with two sleeps: what a service with children looks like. */
export function sleeperGroup(): {
  child: ChildProcess;
  pid: number;
  startTime: string;
  members: () => number[];
} {
  const child = spawn("sh", ["-c", "sleep 300 & sleep 301 & wait"], { detached: true, stdio: "ignore" });
  const pid = child.pid!;
  return { child, pid, startTime: processStartTime(pid)!, members: () => groupMembers(pid) };
}

export async function until(
  check: () => boolean,
  timeoutMs: number,
  stepMs = 20,
): Promise<number | undefined> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (check()) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check() ? Date.now() - t0 : undefined;
}

/** Kills what a test started, whatever the test did. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

export const DEAD_OWNER = { pid: 2 ** 22 + 12345, startTime: "1" };
