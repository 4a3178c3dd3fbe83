// A full disk for one directory only. A size-bounded tmpfs is mounted over the service's data directory (its
// later writes land in it) and filled: on the host for a process, inside the container's own mount namespace
// for a container (the host and other containers do not see it; a directory that already is a tmpfs in the
// container, `--tmpfs DIR:size=16m`, is filled as it is), through /proc/<pid>/root. Fill data is never written
// anywhere else, and on revert the fill file is removed and the mount taken away.
import { execFile } from "node:child_process";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, rm, statfs } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { promisify } from "node:util";
import { FaultError, PrerequisiteError, type Problem } from "../../core/errors.ts";
import { processStartTime } from "../../core/process-identity.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import { type ResolvedTarget, type ResourceTarget, resolveTarget, targetName } from "./target-ref.ts";
import { mib } from "./target-scope.ts";

const run = promisify(execFile);
export const DEFAULT_DISK_SIZE = 16 * 2 ** 20;
export const FILL_NAME = ".hivestorm-fill";

export interface DiskState extends BaseState {
  percent: number;
  /** The directory to fill (the service's data directory). */
  dir?: string;
  /** Size of the tmpfs mounted over `dir` (a container's own tmpfs keeps its size). */
  size: number;
}

export class DiskFillFault extends ResourceFault<DiskState> {
  readonly kind = "resource-disk-fill";

  constructor(state: Partial<DiskState> & { percent: number }) {
    super({ size: DEFAULT_DISK_SIZE, ...state });
  }

  protected copy(s: DiskState): this {
    return new DiskFillFault(s) as this;
  }

  /**
   * Where to fill: a directory on the host (a tmpfs is mounted over it), or `{ dir, target }` for a directory
   * inside a container (a tmpfs is mounted over it there, unless it already is one).
   */
  on(place: string | { dir: string; target?: ResourceTarget }): this {
    return typeof place === "string" ? this.with({ dir: place, target: undefined }) : this.with(place);
  }

  /** Size of the tmpfs mounted over the directory (default 16 MiB; a container's own tmpfs keeps its size). */
  size(bytes: number): DiskFillFault {
    return this.with({ size: bytes });
  }

  protected override targetProblems(): Problem[] {
    const d = this.s.dir;
    if (!d) return [{ path: "on", message: "no directory given: add .on(dataDir) or .on({ dir, target })" }];
    if (!isAbsolute(d) || resolve(d) === "/")
      return [
        {
          path: "on.dir",
          message: `expected an absolute directory other than /, found ${JSON.stringify(d)}`,
        },
      ];
    return [];
  }

  protected problems(): Problem[] {
    return [
      ...numberProblem("percent", this.s.percent, 0, 100, "a percentage"),
      ...numberProblem("size", this.s.size, 2 ** 20, 2 ** 34, "a number of bytes (1 MiB .. 16 GiB)"),
    ];
  }

  protected params(): Record<string, unknown> {
    return { percent: this.s.percent, dir: this.s.dir, size: this.s.size };
  }

  override target(): string {
    return this.s.target ? `${targetName(this.s.target)}:${this.s.dir}` : (this.s.dir ?? "?");
  }

  describe(): string {
    const where = this.s.target
      ? `a ${mib(this.s.size)} tmpfs over ${this.s.dir} inside ${targetName(this.s.target)}`
      : `a ${mib(this.s.size)} tmpfs over ${this.s.dir}`;
    return `disk: fill ${where} to ${this.s.percent}%`;
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const dir = resolve(this.s.dir!);
    if (this.s.target) {
      const t = await resolveTarget(this.s.target, ctx);
      return this.#fillInContainer(t, dir);
    }
    return this.#mountAndFill(dir);
  }

  async #mountAndFill(dir: string): Promise<Applied> {
    if (process.getuid?.() !== 0)
      throw new PrerequisiteError(`cannot mount a bounded filesystem over ${dir}: not root`, {
        hint: "run as root (mount -t tmpfs needs CAP_SYS_ADMIN); the fill is never written to an unbounded disk",
      });
    await mkdir(dir, { recursive: true });
    try {
      await run("mount", ["-t", "tmpfs", "-o", `size=${this.s.size},mode=0755`, "hivestorm-fill", dir], {
        timeout: 10_000,
      });
    } catch (error) {
      throw new PrerequisiteError(
        `cannot mount a tmpfs over ${dir}: ${String((error as Error).message).trim()}`,
        {
          hint: "run as root with mount(8) available; the fill is never written to an unbounded disk",
        },
      );
    }
    const unmount = async () => {
      await rm(join(dir, FILL_NAME), { force: true }).catch(() => {});
      await unmountDir(dir);
    };
    try {
      // Refuse to fill unless the directory now is our mount: anything else could be the host's disk.
      if (!(await isOurMount(dir))) throw new FaultError(`the tmpfs over ${dir} is not visible after mount`);
      const filled = await fill(join(dir, FILL_NAME), dir, this.s.percent);
      const how = `mounted a ${mib(this.s.size)} tmpfs over ${dir} and filled it to ${filled.percent.toFixed(1)}% (${mib(filled.free)} free)`;
      this.tell("applied", how, { ...filled, dir });
      return {
        revert: async () => {
          await unmount();
          this.tell("reverted", how, { dir });
        },
        reap: { kind: "resource-disk-fill", dir, fill: join(dir, FILL_NAME), mounted: true },
      };
    } catch (error) {
      await unmount();
      throw error;
    }
  }

  async #fillInContainer(t: ResolvedTarget, dir: string): Promise<Applied> {
    const pid = t.pid;
    const found = containerMount(await readFile(`/proc/${pid}/mountinfo`, "utf8"), dir);
    const hostDir = `/proc/${pid}/root${dir}`;
    // A tmpfs the container already has there (`--tmpfs DIR:size=...`) is filled as it is; anything else gets a
    // bounded tmpfs of our own over it, inside the container's mount namespace only.
    const mounted = found?.fstype !== "tmpfs";
    if (mounted) await mountInContainer(pid, dir, this.s.size, t.description);
    const file = join(hostDir, FILL_NAME);
    const undo = async () => {
      await rm(file, { force: true }).catch(() => {});
      if (mounted) await unmountInContainer(pid, dir);
    };
    let filled: Awaited<ReturnType<typeof fill>>;
    try {
      if (
        mounted &&
        containerMount(await readFile(`/proc/${pid}/mountinfo`, "utf8"), dir)?.fstype !== "tmpfs"
      )
        throw new FaultError(`the tmpfs over ${dir} in ${t.description} is not visible after mount`);
      filled = await fill(file, hostDir, this.s.percent);
    } catch (error) {
      await undo();
      throw error;
    }
    const how = mounted
      ? `mounted a ${mib(this.s.size)} tmpfs over ${dir} inside ${t.description} (its mount namespace only; was ${found?.fstype ?? "no mount"}) and filled it to ${filled.percent.toFixed(1)}% (${mib(filled.free)} free)`
      : `filled the container's own tmpfs ${dir} (of ${t.description}) to ${filled.percent.toFixed(1)}% (${mib(filled.free)} free) through ${hostDir}`;
    this.tell("applied", how, { ...filled, dir });
    return {
      revert: async () => {
        await undo();
        this.tell("reverted", how, { dir });
      },
      reap: {
        kind: "resource-disk-fill",
        dir: hostDir,
        fill: file,
        mounted: false,
        ...(mounted ? { inContainer: { pid, startTime: processStartTime(pid), dir } } : {}),
      },
    };
  }
}

/** The mount at `dir` in a mountinfo text (the last one: it is the one visible there). */
function containerMount(mountinfo: string, dir: string): { fstype: string } | undefined {
  const f = mountinfo
    .split("\n")
    .map((l) => l.split(" "))
    .filter((x) => x[4] === dir)
    .at(-1);
  return f ? { fstype: f[f.indexOf("-") + 1] } : undefined;
}

/**
 * Runs mount(8) in the mount namespace of `pid` with the host's root: the binary and its libraries come from the
 * host (a container image may have none), and the mount point, reached through /proc/<pid>/root, is in the
 * container's namespace, which is where the mount lands.
 */
async function nsMount(pid: number, args: string[]): Promise<void> {
  await run("nsenter", ["--target", String(pid), "--mount", "--root=/", "--wd=/", ...args], {
    timeout: 10_000,
  });
}

async function mountInContainer(pid: number, dir: string, size: number, what: string): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new PrerequisiteError(`cannot mount a bounded filesystem over ${dir} in ${what}: not root`, {
      hint: "run as root (nsenter and mount need CAP_SYS_ADMIN), or start the container with --tmpfs DIR:size=16m",
    });
  const inside = `/proc/${pid}/root${dir}`;
  try {
    await mkdir(inside, { recursive: true });
    await nsMount(pid, [
      "mount",
      "--no-canonicalize",
      "-t",
      "tmpfs",
      "-o",
      `size=${size},mode=0755`,
      "hivestorm-fill",
      inside,
    ]);
  } catch (error) {
    throw new PrerequisiteError(
      `cannot mount a tmpfs over ${dir} in ${what}: ${String((error as { stderr?: string }).stderr || (error as Error).message).trim()}`,
      {
        hint: "run as root with nsenter and mount (util-linux) installed, or start the container with --tmpfs DIR:size=16m; the fill is never written to an unbounded disk",
      },
    );
  }
}

/** Takes our tmpfs away from `dir` inside the container (lazily when busy); a container that is gone took it along. */
export async function unmountInContainer(pid: number, dir: string): Promise<"unmounted" | "gone"> {
  const inside = `/proc/${pid}/root${dir}`;
  const ours = (text: string) =>
    text.split("\n").some((l) => {
      const f = l.split(" ");
      return f[4] === dir && f[f.indexOf("-") + 2] === "hivestorm-fill";
    });
  for (let i = 0; i < 10; i++) {
    const now = await readFile(`/proc/${pid}/mountinfo`, "utf8").catch(() => undefined);
    if (now === undefined) return "gone";
    if (!ours(now)) return "unmounted";
    await nsMount(pid, ["umount", "--no-canonicalize", inside]).catch(
      () => new Promise((r) => setTimeout(r, 100)),
    );
  }
  const now = await readFile(`/proc/${pid}/mountinfo`, "utf8").catch(() => undefined);
  if (now === undefined) return "gone";
  if (ours(now)) await nsMount(pid, ["umount", "--no-canonicalize", "-l", inside]);
  return "unmounted";
}

/** Writes `file` until the filesystem of `dir` is `percent` full (or full: ENOSPC ends a 100% fill). */
async function fill(
  file: string,
  dir: string,
  percent: number,
): Promise<{ percent: number; free: number; size: number; written: number }> {
  const s = await statfs(dir);
  const size = s.blocks * s.bsize;
  const used = (s.blocks - s.bfree) * s.bsize;
  let want = Math.max(0, Math.ceil((percent / 100) * size) - used);
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  const fd = openSync(file, "w");
  let written = 0;
  try {
    while (want > 0) {
      const n = Math.min(chunk.length, want);
      try {
        written += writeSync(fd, chunk, 0, n);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") break;
        throw error;
      }
      want -= n;
    }
  } finally {
    closeSync(fd);
  }
  const after = await statfs(dir);
  const free = after.bavail * after.bsize;
  return { percent: size ? ((size - free) / size) * 100 : 100, free, size, written };
}

async function isOurMount(dir: string): Promise<boolean> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  return text.split("\n").some((l) => {
    const f = l.split(" ");
    return f[4] === dir && f[f.indexOf("-") + 1] === "tmpfs";
  });
}

/** Unmounts `dir` (retrying while busy, then lazily); a directory that is not mounted is fine. */
export async function unmountDir(dir: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    if (!(await isOurMount(dir))) return;
    try {
      await run("umount", [dir], { timeout: 10_000 });
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (await isOurMount(dir)) await run("umount", ["-l", dir], { timeout: 10_000 });
}
