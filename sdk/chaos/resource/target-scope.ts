// The cgroup a stressor runs in: exactly the target's. For a process, a cgroup of our own that the target (and,
// for a service that is a tree, its descendants) is moved into, with the limits the fault asks for; for a
// container, the container's own cgroup, found from its main pid, with its limits changed through the engine
// for the fault. Released on revert: our cgroup removed (the target goes back where it came from), a
// container's changed limits put back.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PrerequisiteError } from "../../core/errors.ts";
import { type Cgroup, createCgroup } from "../../system/cgroup/cgroup.ts";
import { cgroupSupport } from "../../system/cgroup/cgroup-support.ts";
import {
  CPU_PERIOD_US,
  cpuLimitsOf,
  hasCpuLimit,
  memoryLimitsOf,
  restoreCpuQuota,
  restoreMemoryLimit,
  setCpuQuota,
  setMemoryLimit,
} from "../../system/docker-limits.ts";
import { descendantPids, procStatus } from "../../system/targets/proc.ts";
import { processCgroupDirs } from "./proc-info.ts";
import type { ResolvedTarget } from "./target-ref.ts";

export const ROOT_ENABLE = "run as root on Linux with cgroups mounted (cgroup v1 memory+cpu, or v2)";

export interface ScopeOptions {
  /** Names our cgroup: hivestorm/<name>. */
  name: string;
  /** Move the target's descendants too (a service that is a process tree). */
  children?: boolean;
  /** CPUs' worth of quota for our cgroup (process targets). */
  cpuQuota?: number;
  /** Memory limit = usage at apply + this many bytes. */
  memoryHeadroom?: number;
}

export interface TargetScope {
  /** The cgroup directories a stressor's pid is written into (one per hierarchy). */
  readonly dirs: readonly string[];
  readonly memoryDir: string;
  readonly version: 1 | 2;
  /** Memory limit in force during the fault, when one was set. */
  readonly limitBytes?: number;
  /** Memory charged to the scope when the limit was set. */
  readonly usageBytes?: number;
  /** What was done, for the report. */
  readonly how: string;
  memoryUsage(): Promise<number>;
  oomKills(): Promise<number>;
  /** The pids in the scope now (the target, its moved descendants, a container's processes). */
  pids(): Promise<number[]>;
  /** JSON for the reaper. */
  readonly reap: Record<string, unknown>;
  release(): Promise<void>;
}

/** Why a scope cannot be made on this machine for this kind of target; undefined when it can. */
export function scopeMissing(kind: "process" | "docker"): string | undefined {
  const s = cgroupSupport();
  if (!s.ok) return `cgroups: missing ${s.missing}`;
  if (kind === "process" && s.version === 1 && !s.cpuRoot)
    return "cgroups: no cpu hierarchy at /sys/fs/cgroup/cpu";
  return undefined;
}

export async function enterScope(t: ResolvedTarget, o: ScopeOptions): Promise<TargetScope> {
  const missing = scopeMissing(t.kind);
  if (missing)
    throw new PrerequisiteError(`cannot stress ${t.description} inside its cgroup: ${missing}`, {
      hint: ROOT_ENABLE,
    });
  return t.docker ? containerScope(t, o) : processScope(t, o);
}

async function processScope(t: ResolvedTarget, o: ScopeOptions): Promise<TargetScope> {
  const cg: Cgroup = await createCgroup(`${o.name}-${t.pid}`.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 90), {
    cpuQuota: o.cpuQuota,
  });
  try {
    const tree = o.children ? await descendantPids(t.pid) : [];
    await cg.addPid(t.pid);
    // A descendant may exit between the listing and the move.
    for (const pid of tree) await cg.addPid(pid).catch(() => {});
    let limit: number | undefined;
    let usage: number | undefined;
    if (o.memoryHeadroom !== undefined) {
      usage = await cg.memoryUsage();
      limit = usage + o.memoryHeadroom;
      await cg.setMemoryMax(limit);
    }
    const parts = [
      `moved ${t.description}${tree.length ? ` and its ${tree.length} descendant(s)` : ""} into cgroup ${cg.path}`,
      o.cpuQuota !== undefined ? `CPU quota ${o.cpuQuota} CPU` : "",
      limit !== undefined
        ? `memory limit ${mib(limit)} (usage ${mib(usage!)} + ${mib(o.memoryHeadroom!)})`
        : "",
    ].filter(Boolean);
    return {
      dirs: cg.dirs,
      memoryDir: cg.path,
      version: cg.version,
      limitBytes: limit,
      usageBytes: usage,
      how: parts.join(", "),
      memoryUsage: () => cg.memoryUsage(),
      oomKills: async () => (await cg.memoryEvents()).oomKill,
      pids: () => cg.pids(),
      reap: { cgroupDirs: [...cg.dirs] },
      release: () => cg.remove(),
    };
  } catch (error) {
    await cg.remove().catch(() => {});
    throw error;
  }
}

async function containerScope(t: ResolvedTarget, o: ScopeOptions): Promise<TargetScope> {
  const docker = t.docker!;
  const found = await processCgroupDirs(t.pid);
  if (!found.memory)
    throw new PrerequisiteError(`no memory cgroup found for ${t.description} in /proc/${t.pid}/cgroup`);
  const dirs = [...new Set([found.memory, found.cpu].filter((d): d is string => Boolean(d)))];
  const info = await docker.inspect();
  const usageFile = found.version === 1 ? "memory.usage_in_bytes" : "memory.current";
  const memoryUsage = async () => Number((await readFile(join(found.memory!, usageFile), "utf8")).trim());
  const inCgroup = async () => {
    const file = found.version === 1 ? "memory.oom_control" : "memory.events";
    const m = /oom_kill (\d+)/.exec(await readFile(join(found.memory!, file), "utf8").catch(() => ""));
    return m ? Number(m[1]) : undefined;
  };
  const entered = Math.floor(Date.now() / 1000);
  const base = (await inCgroup()) ?? 0;
  // The engine removes a dead container's cgroup at once, often before its counter is read: then the engine's
  // "oom" events for the container since the scope was entered are the count.
  const oomKills = async () =>
    (await inCgroup()) ?? base + (await docker.oomEventsSince(entered).catch(() => 0));
  const memory = memoryLimitsOf(info);
  const cpu = cpuLimitsOf(info);
  // A container with a CPU limit of its own keeps it; one without gets the fault's quota, as a process would.
  const quota = o.cpuQuota !== undefined && !hasCpuLimit(cpu) ? o.cpuQuota : undefined;
  let limit: number | undefined;
  let usage: number | undefined;
  const restore = async () => {
    if (limit !== undefined) await restoreMemoryLimit(docker.docker, docker.ref, memory);
    if (quota !== undefined) await restoreCpuQuota(docker.docker, docker.ref, cpu);
  };
  try {
    if (quota !== undefined) await setCpuQuota(docker.container, quota);
    if (o.memoryHeadroom !== undefined) {
      usage = await memoryUsage();
      limit = usage + o.memoryHeadroom;
      await setMemoryLimit(docker.container, limit);
    }
  } catch (error) {
    await restore().catch(() => {});
    throw error;
  }
  const parts = [
    `stressor placed in the container's own cgroup ${found.memory}`,
    quota !== undefined
      ? `its CPU quota set to ${quota} CPU (docker update --cpu-quota ${Math.round(quota * CPU_PERIOD_US)}; it had none)`
      : o.cpuQuota !== undefined
        ? `its own CPU limit kept (${cpu.NanoCpus ? `${cpu.NanoCpus / 1e9} CPU` : `quota ${cpu.CpuQuota}/${cpu.CpuPeriod || CPU_PERIOD_US} µs`})`
        : "",
    limit !== undefined
      ? `memory limit set to ${mib(limit)} (usage ${mib(usage!)} + ${mib(o.memoryHeadroom!)}, was ${memory.Memory ? mib(memory.Memory) : "none"})`
      : "",
  ].filter(Boolean);
  let released: Promise<void> | undefined;
  return {
    dirs,
    memoryDir: found.memory,
    version: found.version,
    limitBytes: limit,
    usageBytes: usage,
    how: parts.join(", "),
    memoryUsage,
    oomKills,
    pids: async () =>
      (await readFile(join(found.memory!, "cgroup.procs"), "utf8").catch(() => ""))
        .split("\n")
        .filter(Boolean)
        .map(Number),
    reap: {
      container: docker.ref,
      ...(limit !== undefined ? { memory } : {}),
      ...(quota !== undefined ? { cpu } : {}),
    },
    release() {
      released ??= restore();
      return released;
    },
  };
}

/**
 * Calls `onExit` once `pid` has exited (polled every 100 ms; the timer does not hold the process open). Errors of
 * `onExit` are left to whoever calls it again (a revert does).
 */
export function watchExit(pid: number, onExit: () => Promise<void>): { stop(): void; ended(): boolean } {
  let ended = false;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy || ended) return;
    busy = true;
    try {
      if ((await procStatus(pid)) === "exited") {
        ended = true;
        clearInterval(timer);
        await onExit().catch(() => {});
      }
    } finally {
      busy = false;
    }
  }, 100);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    ended: () => ended,
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
