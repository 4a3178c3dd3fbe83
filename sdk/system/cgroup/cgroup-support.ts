// Which cgroup layout this machine offers, if any: v1 (one hierarchy per controller, e.g.
// /sys/fs/cgroup/memory) or v2 (one unified hierarchy with a memory controller). Hybrid hosts that mount v2
// without the memory controller next to v1 controllers count as v1.
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PrerequisiteError } from "../../core/errors.ts";

export type CgroupSupport =
  | { ok: true; version: 1; memoryRoot: string; cpuRoot?: string }
  | { ok: true; version: 2; root: string }
  | { ok: false; missing: string };

export const CGROUP_MOUNT = "/sys/fs/cgroup";

/** Looks at the mounted cgroup filesystems and our privileges; never throws. */
export function cgroupSupport(mount = CGROUP_MOUNT): CgroupSupport {
  if (process.platform !== "linux")
    return { ok: false, missing: `Linux cgroups (this is ${process.platform})` };
  if (process.getuid?.() !== 0) {
    return { ok: false, missing: "root: creating cgroups and moving processes into them needs uid 0" };
  }
  const v1Memory = join(mount, "memory");
  if (existsSync(join(v1Memory, "memory.limit_in_bytes"))) {
    if (!writable(v1Memory))
      return { ok: false, missing: `write access to ${v1Memory} (mounted read-only?)` };
    const cpu = join(mount, "cpu");
    return {
      ok: true,
      version: 1,
      memoryRoot: v1Memory,
      cpuRoot: existsSync(join(cpu, "cpu.cfs_quota_us")) ? cpu : undefined,
    };
  }
  const controllers = join(mount, "cgroup.controllers");
  if (existsSync(controllers)) {
    const list = readFileSync(controllers, "utf8").trim().split(/\s+/);
    if (!list.includes("memory")) {
      return {
        ok: false,
        missing: `the memory controller in ${controllers} (found: ${list.join(" ") || "none"})`,
      };
    }
    if (!writable(mount)) return { ok: false, missing: `write access to ${mount} (mounted read-only?)` };
    return { ok: true, version: 2, root: mount };
  }
  return {
    ok: false,
    missing: `a cgroup memory controller under ${mount} (neither v1 memory/ nor v2 found)`,
  };
}

/** A real OOM kill cannot be produced on this machine; the scenario is skipped with `missing` as the reason. */
export class OomUnsupportedError extends PrerequisiteError {
  readonly missing: string;

  constructor(target: string, missing: string) {
    super(`cannot OOM-kill ${target} on this machine: missing ${missing}`, {
      expected: "root with a cgroup v1 memory controller or cgroup v2 with the memory controller enabled",
      found: `missing ${missing}`,
      hint: "run as root on a Linux host with cgroups mounted, or use a docker target with a memory limit",
    });
    this.missing = missing;
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
