// What /proc says about a target process that the resource faults need: its resident size, its open
// descriptors and their limit, and the cgroups it is in (a container's own cgroup is found this way).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { CGROUP_MOUNT } from "../../system/cgroup/cgroup-support.ts";

/** Resident set size in bytes (VmRSS); 0 when the process is gone. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** How many descriptors the process holds now. */
export async function openDescriptors(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

export interface NofileLimit {
  soft: number | "unlimited";
  hard: number | "unlimited";
}

/** RLIMIT_NOFILE of a process, from /proc/<pid>/limits. */
export async function nofileLimit(pid: number): Promise<NofileLimit> {
  const text = await readFile(`/proc/${pid}/limits`, "utf8");
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) throw new Error(`no "Max open files" line in /proc/${pid}/limits`);
  const num = (s: string) => (s === "unlimited" ? "unlimited" : Number(s));
  return { soft: num(m[1]), hard: num(m[2]) };
}

/**
 * The cgroup directories of a process that hold its memory and CPU controllers (v1: one per hierarchy;
 * v2: the one unified directory), from /proc/<pid>/cgroup. A container's processes are in its own cgroup.
 */
export async function processCgroupDirs(
  pid: number,
  mount = CGROUP_MOUNT,
): Promise<{ memory?: string; cpu?: string; version: 1 | 2 }> {
  const text = await readFile(`/proc/${pid}/cgroup`, "utf8");
  const out: { memory?: string; cpu?: string; version: 1 | 2 } = { version: 1 };
  let unified: string | undefined;
  for (const line of text.trim().split("\n")) {
    const [, controllers, path] = line.split(":");
    if (controllers === "") unified = path;
    const list = controllers.split(",");
    if (list.includes("memory")) out.memory = join(mount, "memory", path);
    if (list.includes("cpu")) out.cpu = join(mount, controllers, path);
  }
  if (!out.memory && unified !== undefined) {
    return { memory: join(mount, unified), cpu: join(mount, unified), version: 2 };
  }
  return out;
}

export { sleep } from "../../core/sleep.ts";
