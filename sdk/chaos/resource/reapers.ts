// The reaper's half of the resource faults: reverts, from another process, what a killed run left applied,
// from the JSON records in the ledger file. Register RESOURCE_REAPERS next to the network ones.
import { rm } from "node:fs/promises";
import { totalmem } from "node:os";
import { isSameProcess } from "../../core/process-identity.ts";
import { gone, type Reaper } from "../../reap/outcome.ts";
import { removeCgroupDirs } from "../../system/cgroup/cgroup.ts";
import { dockerClient, dockerStatus } from "../../system/targets/docker-engine.ts";
import { procStatus } from "../../system/targets/proc.ts";
import { unmountDir } from "./disk-fill-fault.ts";
import { setNofile } from "./fd-fault.ts";
import { restoreOomScores } from "./memory-fault.ts";
import { groupAlive, isStressNg, killGroup } from "./stress-ng.ts";

export const RESOURCE_REAPERS: Readonly<Record<string, Reaper>> = {
  /** A stressor (stress-ng, the built-in hog, the VRAM hog) in a cgroup: end it, undo the target's OOM score, remove our cgroup. */
  "resource-stress": async (r) => {
    const pgid = Number(r.pgid);
    // A recycled pid must not be killed: only a group still led by the command the record names (stress-ng
    // when it names none, as records written before the built-in hog did).
    const command = typeof r.command === "string" ? r.command : "stress-ng";
    if (Number.isSafeInteger(pgid) && pgid > 1 && (await isStressNg(pgid, command))) {
      killGroup(pgid, "SIGKILL");
      for (let i = 0; i < 50 && groupAlive(pgid); i++) await new Promise((res) => setTimeout(res, 100));
    }
    if (Array.isArray(r.oomAdj)) await restoreOomScores(r.oomAdj as { pid: number; value: string }[]);
    if (Array.isArray(r.cgroupDirs)) await removeCgroupDirs(r.cgroupDirs.map(String));
    if (typeof r.container === "string") {
      const memory = Number(r.Memory ?? 0);
      const restore =
        memory > 0
          ? { Memory: memory, MemorySwap: Number(r.MemorySwap ?? 0) }
          : { Memory: totalmem(), MemorySwap: -1 };
      await dockerClient()
        .getContainer(r.container)
        .update(restore)
        .catch((e: unknown) => {
          if (dockerStatus(e) !== 404) throw e;
        });
    }
  },
  "resource-disk-fill": async (r) => {
    await rm(String(r.fill), { force: true }).catch(() => {});
    if (r.mounted === true) await unmountDir(String(r.dir));
  },
  "resource-nofile": async (r) => {
    const pid = Number(r.pid);
    if ((await procStatus(pid)) === "exited")
      return gone(`process ${pid} exited: its descriptor limit went with it`);
    // A reused pid is a stranger whose limit is not ours to set.
    if (!isSameProcess({ pid, startTime: typeof r.startTime === "string" ? r.startTime : undefined }))
      return gone(`process ${pid} exited (its pid now belongs to another process, left alone)`);
    await setNofile(pid, { soft: r.soft as number | "unlimited", hard: r.hard as number | "unlimited" });
  },
  "resource-vram-simulated": async (r) => {
    for (const u of (r.urls as string[]) ?? [])
      await fetch(new URL(String(r.hold), u), {
        method: "DELETE",
        signal: AbortSignal.timeout(3000),
      }).catch(() => {});
  },
};
