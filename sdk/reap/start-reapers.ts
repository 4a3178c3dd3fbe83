// Records of what a run started rather than changed: processes (and their groups), containers, temp folders,
// mounts. A process is only ever signalled when it is the very one recorded (pid + start time): a reused pid
// belongs to a stranger.
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { unmountDir } from "../chaos/resource/disk-fill-fault.ts";
import type { ReapRecord } from "../core/ledger-file.ts";
import { groupMembers, isSameProcess, processStartTime } from "../core/process-identity.ts";
import { dockerFor, dockerStatus, engineOfRecord } from "../system/targets/docker-engine.ts";
import { gone, type Reaper } from "./outcome.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
}

/** The pids to signal for a process record: the group when it led one, else itself; [] when it is gone. */
function targets(r: ReapRecord): { pids: number[]; reused: boolean } {
  const pid = Number(r.pid);
  const startTime = typeof r.startTime === "string" ? r.startTime : undefined;
  const same = isSameProcess({ pid, startTime });
  const reused = !same && processStartTime(pid) !== undefined;
  if (r.group !== true) return { pids: same ? [pid] : [], reused };
  // Group members outlive their leader (a hive's workers): a pid in use as a group id is never handed out
  // again, so members with that group id that started after the leader are the run's.
  const members = groupMembers(pid, startTime).filter((m) => m !== pid || same);
  return { pids: members, reused };
}

export async function stopRecordedProcess(r: ReapRecord, graceMs: number) {
  const { pids, reused } = targets(r);
  const what = `${r.group === true ? "process group" : "process"} ${String(r.pid)}${r.command ? ` (${String(r.command)})` : ""}`;
  if (pids.length === 0)
    return gone(
      `${what} had already exited${reused ? "; its pid now belongs to another process, left alone" : ""}`,
    );
  for (const p of pids) signal(p, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && targets(r).pids.length) await sleep(25);
  const left = targets(r).pids;
  for (const p of left) signal(p, "SIGKILL");
  for (let i = 0; i < 40 && targets(r).pids.length; i++) await sleep(25);
  const still = targets(r).pids;
  if (still.length) throw new Error(`${what}: ${still.join(", ")} still alive after SIGKILL`);
  return { state: "reverted" as const, note: `stopped ${what}${left.length ? " (SIGKILL)" : ""}` };
}

export const START_REAPERS: Readonly<Record<string, Reaper>> = {
  process: (r, o) => stopRecordedProcess(r, o?.graceMs ?? 2000),
  /** A container the run started (by id or name), on the engine the record names (default: the local one). */
  container: async (r) => {
    const ref = String(r.id ?? r.name);
    const c = dockerFor(engineOfRecord(r)).getContainer(ref);
    try {
      await c.remove({ force: true, v: true });
    } catch (error) {
      const status = dockerStatus(error);
      if (status === 404) return gone(`container ${ref} is gone`);
      if (status === undefined)
        return gone(`no Docker engine answers, so container ${ref} cannot be running`);
      // 409: its run was removing it as it died; the engine finishes that removal on its own.
      if (status === 409)
        for (let i = 0; i < 100; i++) {
          if (dockerStatus(await c.inspect().catch((e: unknown) => e)) === 404)
            return gone(`container ${ref} was being removed by its run, and is gone`);
          await sleep(100);
        }
      throw error;
    }
  },
  "temp-folder": async (r) => {
    const path = String(r.path);
    if (!existsSync(path)) return gone(`${path} was already removed`);
    await rm(path, { recursive: true, force: true });
  },
  /** A tmpfs (or other) mount over a folder. */
  mount: async (r) => {
    const dir = String(r.dir);
    await unmountDir(dir);
  },
};
