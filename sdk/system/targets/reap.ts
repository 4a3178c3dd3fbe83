// The reaper's half of the targets' undos: reverts, from another process, what a killed run left behind, using
// only the JSON records the ledger wrote to disk (`Undo.reap`).
import type Docker from "dockerode";
import type { ReapRecord } from "../../core/ledger.ts";
import { isSameProcess } from "../../core/process-identity.ts";
import { gone, type ReapOutcome } from "../../reap/outcome.ts";
import { removeCgroupDirs } from "../cgroup/cgroup.ts";
import { restoreMemoryLimit } from "../docker-limits.ts";
import { type DockerEngine, dockerFor, dockerStatus, engineOfRecord } from "./docker-engine.ts";
import { sendSignal } from "./process-target.ts";

/** `docker(engine)`: the client of the engine a record names (undefined: the default one). */
type Reaper = (
  record: ReapRecord,
  docker: (engine?: DockerEngine) => Docker,
) => Promise<ReapOutcome | undefined | unknown>;

/** One reaper per record kind that the targets write (kinds are registered, not switched). */
export const TARGET_REAPERS: Readonly<Record<string, Reaper>> = {
  cgroup: (record) => removeCgroupDirs(strings(record.dirs)),
  "process-paused": async (record) => {
    const pid = Number(record.pid);
    const startTime = typeof record.startTime === "string" ? record.startTime : undefined;
    // SIGCONT only to the very process paused: a reused pid is a stranger.
    if (!isSameProcess({ pid, startTime })) return gone(`process ${pid} exited while paused`);
    sendSignal(pid, "SIGCONT");
  },
  "docker-paused": (record, docker) =>
    ignoreGone(() => docker(engineOfRecord(record)).getContainer(String(record.container)).unpause()),
  "docker-memory-limit": async (record, docker) => {
    const previous = { Memory: Number(record.Memory ?? 0), MemorySwap: Number(record.MemorySwap ?? 0) };
    if (!(await restoreMemoryLimit(docker(engineOfRecord(record)), String(record.container), previous)))
      return gone(`container ${String(record.container)} is gone: its memory limit went with it`);
  },
};

/** Reverts one record; false when its kind is not a target's (another module's to reap). Idempotent. */
export async function reapTargetRecord(record: ReapRecord, docker?: Docker): Promise<boolean> {
  const reaper = Object.hasOwn(TARGET_REAPERS, record.kind) ? TARGET_REAPERS[record.kind] : undefined;
  if (!reaper) return false;
  await reaper(record, (engine) => docker ?? dockerFor(engine));
  return true;
}

async function ignoreGone(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    // 404: the container is gone; 409/304: it is not paused (any more).
    const status = dockerStatus(error);
    if (status !== 404 && status !== 409 && status !== 304) throw error;
  }
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
