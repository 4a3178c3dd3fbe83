// A running container's memory and CPU limits, changed for a fault and put back through the engine
// (`docker update`). The engine never lifts a memory limit once set (0 means "leave as is", -1 is refused), so
// "no limit" comes back as the engine's own memory size; and runc refuses to raise the memory limit above the
// memory+swap limit still in force ("invalid argument"), so both are always written together.
import type Docker from "dockerode";
import { dockerStatus } from "./targets/docker-engine.ts";

export interface MemoryLimits {
  Memory: number;
  MemorySwap: number;
}

export interface CpuLimits {
  CpuPeriod: number;
  CpuQuota: number;
  NanoCpus: number;
}

export const CPU_PERIOD_US = 100_000;

const memTotals = new WeakMap<Docker, Promise<number>>();

/** The engine's memory size: what "no limit" reads as once a limit was set. */
export function engineMemory(docker: Docker): Promise<number> {
  let total = memTotals.get(docker);
  if (!total) {
    total = docker.info().then((i: { MemTotal: number }) => i.MemTotal);
    memTotals.set(docker, total);
  }
  return total;
}

export function memoryLimitsOf(info: Docker.ContainerInspectInfo | undefined): MemoryLimits {
  return { Memory: info?.HostConfig.Memory ?? 0, MemorySwap: info?.HostConfig.MemorySwap ?? 0 };
}

export function cpuLimitsOf(info: Docker.ContainerInspectInfo | undefined): CpuLimits {
  const h = info?.HostConfig;
  return { CpuPeriod: h?.CpuPeriod ?? 0, CpuQuota: h?.CpuQuota ?? 0, NanoCpus: h?.NanoCpus ?? 0 };
}

/** Whether the container has a CPU limit of its own (a quota or NanoCpus). */
export function hasCpuLimit(l: CpuLimits): boolean {
  return l.NanoCpus > 0 || l.CpuQuota > 0;
}

/** Sets a hard memory limit with no swap on top. */
export async function setMemoryLimit(container: Docker.Container, bytes: number): Promise<void> {
  await container.update({ Memory: bytes, MemorySwap: bytes });
}

/**
 * Puts `previous` back; a container that is gone is fine (false). "No limit" becomes the engine's memory size
 * for both memory and memory+swap (the machine's own bound), unlimited swap is restored in a second step.
 */
export async function restoreMemoryLimit(
  docker: Docker,
  container: string,
  previous: MemoryLimits,
): Promise<boolean> {
  const c = docker.getContainer(container);
  try {
    if (previous.Memory > 0) {
      const swap = previous.MemorySwap > 0 ? Math.max(previous.MemorySwap, previous.Memory) : previous.Memory;
      await c.update({ Memory: previous.Memory, MemorySwap: swap });
      if (previous.MemorySwap === -1) await c.update({ MemorySwap: -1 });
    } else {
      const total = await engineMemory(docker);
      await c.update({ Memory: total, MemorySwap: total });
    }
    return true;
  } catch (error) {
    return goneOrThrow(c, error);
  }
}

/**
 * False when the container is gone, or is being removed (409, when a reaper removes it at the same time: it then
 * takes its limits along); rethrows anything else.
 */
async function goneOrThrow(c: Docker.Container, error: unknown): Promise<false> {
  const status = dockerStatus(error);
  if (status === 404) return false;
  if (status === 409)
    for (let i = 0; i < 30; i++) {
      const info = await c.inspect().catch((e: unknown) => e);
      if (dockerStatus(info) === 404) return false;
      await new Promise((r) => setTimeout(r, 100));
    }
  throw error;
}

/** Sets a CFS quota of `cpus` CPUs (per 100 ms period). */
export async function setCpuQuota(container: Docker.Container, cpus: number): Promise<void> {
  await container.update({
    CpuPeriod: CPU_PERIOD_US,
    CpuQuota: Math.max(1000, Math.round(cpus * CPU_PERIOD_US)),
  });
}

/** Puts a container's CPU quota back (-1 lifts it: the engine accepts that one); gone is fine (false). */
export async function restoreCpuQuota(
  docker: Docker,
  container: string,
  previous: CpuLimits,
): Promise<boolean> {
  const c = docker.getContainer(container);
  try {
    await c.update({
      CpuPeriod: previous.CpuPeriod > 0 ? previous.CpuPeriod : CPU_PERIOD_US,
      CpuQuota: previous.CpuQuota > 0 ? previous.CpuQuota : -1,
    });
    return true;
  } catch (error) {
    return goneOrThrow(c, error);
  }
}
