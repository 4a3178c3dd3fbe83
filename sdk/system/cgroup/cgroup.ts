// A cgroup of our own for one target: limits its memory (for real OOM kills) and CPU, and is the scope that
// stress tools run in. Always removed afterwards: surviving processes go back where they came from first.
import { mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FaultError, PrerequisiteError, type Problem, ValidationError } from "../../core/errors.ts";
import { makeUndo, type Undo, type UndoLedger } from "../targets/undo.ts";
import { CGROUP_MOUNT, cgroupSupport } from "./cgroup-support.ts";

/** Every cgroup hivestorm makes lives under this directory of each hierarchy. */
export const CGROUP_PARENT = "hivestorm";

export interface CgroupOptions {
  memoryMaxBytes?: number;
  /** CPUs' worth of time per period: 0.5 is half of one CPU, 2 is two CPUs. */
  cpuQuota?: number;
  /** Where cgroups are mounted (tests only). */
  mount?: string;
  /** Records the cgroup's removal until it is done. */
  ledger?: UndoLedger;
}

export interface MemoryEvents {
  /** Processes the kernel OOM killer killed in this cgroup. */
  oomKill: number;
  /** Times usage hit the limit (v1 memory.failcnt + memory.memsw.failcnt, v2 memory.events max); some kernels
   * leave the v1 counters at 0, so the OOM evidence uses the peak instead. */
  max: number;
}

export interface Cgroup {
  readonly name: string;
  readonly version: 1 | 2;
  /** The memory controller's directory (v1) or the unified directory (v2). */
  readonly path: string;
  /** Every directory created, one per hierarchy. */
  readonly dirs: readonly string[];
  /** Removes the cgroup (idempotent); the ledger calls this. */
  readonly undo: Undo;
  addPid(pid: number): Promise<void>;
  pids(): Promise<number[]>;
  /** `undefined` lifts the limit. */
  setMemoryMax(bytes: number | undefined): Promise<void>;
  setCpuQuota(cpus: number | undefined): Promise<void>;
  memoryUsage(): Promise<number>;
  memoryEvents(): Promise<MemoryEvents>;
  /** The highest usage seen (v1 memory.max_usage_in_bytes, v2 memory.peak); undefined where not kept. */
  memoryPeak(): Promise<number | undefined>;
  /** Moves surviving processes back to the cgroups they came from, then removes every directory. */
  remove(): Promise<void>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const CPU_PERIOD_US = 100_000;

export function cgroupOptionProblems(name: string, options: CgroupOptions): Problem[] {
  const problems: Problem[] = [];
  if (typeof name !== "string" || !NAME.test(name)) {
    problems.push({
      path: "name",
      message: `expected letters, digits, ".", "_" or "-" (at most 100, no "/"), found ${JSON.stringify(name)}`,
    });
  }
  const mem = options.memoryMaxBytes;
  if (mem !== undefined && (!Number.isSafeInteger(mem) || mem <= 0)) {
    problems.push({
      path: "memoryMaxBytes",
      message: `expected a positive whole number of bytes, found ${mem}`,
    });
  }
  const cpu = options.cpuQuota;
  if (cpu !== undefined && (!Number.isFinite(cpu) || cpu <= 0)) {
    problems.push({ path: "cpuQuota", message: `expected a number of CPUs greater than zero, found ${cpu}` });
  }
  return problems;
}

/**
 * Creates `hivestorm/<name>` in the memory (and, on v1, cpu) hierarchy and applies the limits. Throws
 * ValidationError for bad options, PrerequisiteError when cgroups are unavailable, and
 * removes whatever it created when a limit cannot be applied.
 */
export async function createCgroup(name: string, options: CgroupOptions = {}): Promise<Cgroup> {
  const problems = cgroupOptionProblems(name, options);
  if (problems.length > 0) throw new ValidationError(`cgroup ${JSON.stringify(name)}`, problems);
  const support = cgroupSupport(options.mount ?? CGROUP_MOUNT);
  if (!support.ok) {
    throw new PrerequisiteError(`cannot create cgroup ${name}: missing ${support.missing}`, {
      hint: "run as root on a Linux host with a cgroup v1 memory controller or cgroup v2",
    });
  }
  const layout: Layout =
    support.version === 1
      ? { version: 1, memory: support.memoryRoot, cpu: support.cpuRoot }
      : { version: 2, memory: support.root, cpu: support.root };
  const cgroup = new CgroupHandle(name, layout, options.ledger);
  try {
    await cgroup.create();
    if (options.memoryMaxBytes !== undefined) await cgroup.setMemoryMax(options.memoryMaxBytes);
    if (options.cpuQuota !== undefined) await cgroup.setCpuQuota(options.cpuQuota);
  } catch (error) {
    await cgroup.remove().catch(() => {});
    throw error;
  }
  return cgroup;
}

interface Layout {
  version: 1 | 2;
  /** Hierarchy roots. */
  memory: string;
  cpu?: string;
}

class CgroupHandle implements Cgroup {
  readonly name: string;
  readonly version: 1 | 2;
  readonly path: string;
  readonly undo: Undo;
  private readonly layout: Layout;
  private readonly cpuPath: string | undefined;
  private readonly created: string[] = [];
  /** Where each pid we moved came from, per hierarchy root. */
  private readonly origins = new Map<number, Map<string, string>>();

  constructor(name: string, layout: Layout, ledger: UndoLedger | undefined) {
    this.name = name;
    this.version = layout.version;
    this.layout = layout;
    this.path = join(layout.memory, CGROUP_PARENT, name);
    this.cpuPath =
      layout.cpu && layout.cpu !== layout.memory ? join(layout.cpu, CGROUP_PARENT, name) : undefined;
    this.undo = makeUndo(`remove cgroup ${this.path}`, () => this.removeNow(), {
      ledger,
      reap: { kind: "cgroup", dirs: this.allDirs() },
    });
  }

  get dirs(): readonly string[] {
    return [...this.created];
  }

  async create(): Promise<void> {
    if (this.version === 2) await enableV2Controllers(this.layout.memory);
    for (const dir of this.allDirs()) {
      await mkdir(dir, { recursive: true });
      this.created.push(dir);
    }
  }

  async addPid(pid: number): Promise<void> {
    const origin = this.origins.get(pid) ?? new Map<string, string>();
    for (const [root, dir] of this.rootsAndDirs()) {
      if (!origin.has(root)) {
        const from = await currentCgroupDir(pid, root, this.version);
        if (from) origin.set(root, from);
      }
      await writeControl(join(dir, "cgroup.procs"), String(pid), `move pid ${pid} into ${dir}`);
    }
    this.origins.set(pid, origin);
  }

  async pids(): Promise<number[]> {
    return readPids(this.path);
  }

  async setMemoryMax(bytes: number | undefined): Promise<void> {
    if (this.version === 2) {
      await writeControl(
        join(this.path, "memory.max"),
        bytes === undefined ? "max" : String(bytes),
        "set memory.max",
      );
      await writeControl(join(this.path, "memory.swap.max"), "0", "set memory.swap.max", { optional: true });
      return;
    }
    // v1 wants memory ≤ memory+swap at every step: lower memory first, raise memsw first.
    const value = bytes === undefined ? "-1" : String(bytes);
    const limit = join(this.path, "memory.limit_in_bytes");
    const memsw = join(this.path, "memory.memsw.limit_in_bytes");
    const current = Number((await readFile(limit, "utf8")).trim());
    const lowering = bytes !== undefined && bytes < current;
    if (lowering) await writeControl(limit, value, "set memory.limit_in_bytes");
    await writeControl(memsw, value, "set memory.memsw.limit_in_bytes", { optional: true });
    if (!lowering) await writeControl(limit, value, "set memory.limit_in_bytes");
  }

  async setCpuQuota(cpus: number | undefined): Promise<void> {
    if (this.version === 2) {
      const value = cpus === undefined ? "max" : `${Math.round(cpus * CPU_PERIOD_US)} ${CPU_PERIOD_US}`;
      await writeControl(join(this.path, "cpu.max"), value, "set cpu.max");
      return;
    }
    if (!this.cpuPath)
      throw new FaultError(`cannot set a CPU quota on cgroup ${this.name}: no cpu hierarchy`);
    await writeControl(
      join(this.cpuPath, "cpu.cfs_period_us"),
      String(CPU_PERIOD_US),
      "set cpu.cfs_period_us",
    );
    const quota = cpus === undefined ? "-1" : String(Math.round(cpus * CPU_PERIOD_US));
    await writeControl(join(this.cpuPath, "cpu.cfs_quota_us"), quota, "set cpu.cfs_quota_us");
  }

  async memoryUsage(): Promise<number> {
    const file = this.version === 1 ? "memory.usage_in_bytes" : "memory.current";
    return Number((await readFile(join(this.path, file), "utf8")).trim());
  }

  async memoryPeak(): Promise<number | undefined> {
    const file = this.version === 1 ? "memory.max_usage_in_bytes" : "memory.peak";
    const text = await readFile(join(this.path, file), "utf8").catch(() => undefined);
    return text === undefined ? undefined : Number(text.trim());
  }

  async memoryEvents(): Promise<MemoryEvents> {
    if (this.version === 2) {
      const events = parseKeyValues(await readFile(join(this.path, "memory.events"), "utf8"));
      return { oomKill: events.oom_kill ?? 0, max: events.max ?? 0 };
    }
    const oom = parseKeyValues(await readFile(join(this.path, "memory.oom_control"), "utf8"));
    // With memory+swap limited too, the memsw counter is the one that fails first.
    let failcnt = 0;
    for (const file of ["memory.failcnt", "memory.memsw.failcnt"]) {
      failcnt += Number((await readFile(join(this.path, file), "utf8").catch(() => "0")).trim());
    }
    return { oomKill: oom.oom_kill ?? 0, max: failcnt };
  }

  remove(): Promise<void> {
    return this.undo.revert();
  }

  private async removeNow(): Promise<void> {
    const failures: string[] = [];
    // Children before parents does not matter here (one level), but cpu before memory keeps the order stable.
    for (const [root, dir] of [...this.rootsAndDirs()].reverse()) {
      try {
        for (const pid of await readPids(dir)) {
          const back = this.origins.get(pid)?.get(root) ?? root;
          await writeControl(
            join(back, "cgroup.procs"),
            String(pid),
            `move pid ${pid} back to ${back}`,
          ).catch(
            // The origin may be gone (or the pid exited meanwhile): the hierarchy's root always exists.
            () => writeControl(join(root, "cgroup.procs"), String(pid), `move pid ${pid} to ${root}`),
          );
        }
        await rmdirRetrying(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") failures.push(`${dir}: ${message(error)}`);
      }
      // The shared parent goes too once the last hivestorm cgroup is gone; another one may still use it.
      await rmdir(join(root, CGROUP_PARENT)).catch(() => {});
    }
    if (failures.length > 0) {
      throw new FaultError(`could not remove cgroup ${this.name}`, {
        found: failures.join("; "),
        hint: `remove it by hand: move its pids to the parent's cgroup.procs, then rmdir ${this.path}`,
      });
    }
  }

  private allDirs(): string[] {
    return this.cpuPath ? [this.path, this.cpuPath] : [this.path];
  }

  private *rootsAndDirs(): Generator<[string, string]> {
    yield [this.layout.memory, this.path];
    if (this.cpuPath && this.layout.cpu) yield [this.layout.cpu, this.cpuPath];
  }
}

/** Removes cgroup directories left by a killed run: the reaper's half of `Cgroup.remove`. */
export async function removeCgroupDirs(dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const root = join(dir, "..", "..");
    for (const pid of await readPids(dir).catch(() => [])) {
      await writeControl(join(root, "cgroup.procs"), String(pid), `move pid ${pid} to ${root}`).catch(
        () => {},
      );
    }
    await rmdirRetrying(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rmdir(join(root, CGROUP_PARENT)).catch(() => {});
  }
}

/** The names of the cgroups hivestorm left under a hierarchy root (for the reaper and for tests). */
export async function listHivestormCgroups(root: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, CGROUP_PARENT), { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function enableV2Controllers(root: string): Promise<void> {
  const parent = join(root, CGROUP_PARENT);
  await mkdir(parent, { recursive: true });
  for (const dir of [root, parent]) {
    for (const controller of ["memory", "cpu"]) {
      await writeFile(join(dir, "cgroup.subtree_control"), `+${controller}`).catch(() => {});
    }
  }
}

/** The absolute directory of `pid`'s cgroup in the hierarchy mounted at `root`, from /proc/<pid>/cgroup. */
async function currentCgroupDir(pid: number, root: string, version: 1 | 2): Promise<string | undefined> {
  const text = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
  const controller = root.split("/").pop() ?? "";
  for (const line of text.split("\n")) {
    const [, controllers, path] = line.split(":");
    if (path === undefined) continue;
    const match = version === 2 ? controllers === "" : controllers.split(",").includes(controller);
    if (match) return join(root, path);
  }
  return undefined;
}

async function readPids(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, "cgroup.procs"), "utf8");
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(Number);
}

async function writeControl(file: string, value: string, what: string, { optional = false } = {}) {
  try {
    await writeFile(file, value);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (optional && code === "ENOENT") return;
    throw new FaultError(
      `cgroup: could not ${what}`,
      { found: `${code ?? message(error)} writing ${value} to ${file}` },
      {
        cause: error,
      },
    );
  }
}

/** rmdir answers EBUSY while a killed process is still leaving the cgroup: retry for up to 5 s. */
async function rmdirRetrying(dir: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EBUSY" || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function parseKeyValues(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const [key, value] = line.trim().split(/\s+/);
    if (key && value !== undefined) out[key] = Number(value);
  }
  return out;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
