// The reaper's half of the resource faults: reverts, from another process, what a killed run left applied,
// from the JSON records in the ledger file. Register RESOURCE_REAPERS next to the network ones.
import { rm } from "node:fs/promises";
import type { ReapRecord } from "../../core/ledger-file.ts";
import { isSameProcess } from "../../core/process-identity.ts";
import { gone, type Reaper } from "../../reap/outcome.ts";
import { removeCgroupDirs } from "../../system/cgroup/cgroup.ts";
import {
  type CpuLimits,
  type MemoryLimits,
  restoreCpuQuota,
  restoreMemoryLimit,
} from "../../system/docker-limits.ts";
import { dockerClient } from "../../system/targets/docker-engine.ts";
import { procStatus } from "../../system/targets/proc.ts";
import { unmountDir, unmountInContainer } from "./disk-fill-fault.ts";
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
      // Older records kept the memory limits flat in the record.
      const memory = (r.memory ?? (r.Memory !== undefined ? r : undefined)) as MemoryLimits | undefined;
      const docker = dockerClient();
      const here = [
        memory && (await restoreMemoryLimit(docker, r.container, limitsOf(memory))),
        r.cpu && (await restoreCpuQuota(docker, r.container, r.cpu as CpuLimits)),
      ];
      if (here.includes(false)) return gone(`container ${r.container} is gone: its limits went with it`);
    }
  },
  "resource-disk-fill": async (r) => {
    await rm(String(r.fill), { force: true }).catch(() => {});
    if (r.mounted === true) await unmountDir(String(r.dir));
    const inside = r.inContainer as { pid?: number; startTime?: string; dir?: string } | undefined;
    if (inside) {
      const pid = Number(inside.pid);
      // The container's mount namespace dies with it (and a reused pid is a stranger's namespace).
      if (!isSameProcess({ pid, startTime: inside.startTime }))
        return gone(`the container (host pid ${pid}) is gone: its tmpfs over ${inside.dir} went with it`);
      await unmountInContainer(pid, String(inside.dir));
    }
  },
  "resource-nofile": async (r) => {
    // One record per fault: the first process in it, and every process when there were several (a container's).
    const list = Array.isArray(r.targets) ? (r.targets as ReapRecord[]) : [r];
    const left: string[] = [];
    for (const t of list) {
      const pid = Number(t.pid);
      if ((await procStatus(pid)) === "exited") {
        left.push(`process ${pid} exited: its descriptor limit went with it`);
        continue;
      }
      // A reused pid is a stranger whose limit is not ours to set.
      if (!isSameProcess({ pid, startTime: typeof t.startTime === "string" ? t.startTime : undefined })) {
        left.push(`process ${pid} exited (its pid now belongs to another process, left alone)`);
        continue;
      }
      await setNofile(pid, { soft: t.soft as number | "unlimited", hard: t.hard as number | "unlimited" });
    }
    if (left.length === list.length) return gone(left.join("; "));
  },
  "resource-vram-simulated": async (r) => {
    for (const u of (r.urls as string[]) ?? [])
      await fetch(new URL(String(r.hold), u), {
        method: "DELETE",
        signal: AbortSignal.timeout(3000),
      }).catch(() => {});
  },
};

function limitsOf(m: MemoryLimits): MemoryLimits {
  return { Memory: Number(m.Memory ?? 0), MemorySwap: Number(m.MemorySwap ?? 0) };
}
