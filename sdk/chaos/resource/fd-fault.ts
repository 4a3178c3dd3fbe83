// Descriptor exhaustion in a running target: its soft RLIMIT_NOFILE is lowered (prlimit) to what it holds now
// plus `leave`, so that its next connections and files fail with EMFILE; the original limit is put back on
// revert. Only the soft limit moves: raising a hard limit again needs CAP_SYS_RESOURCE, which a container (or
// this kind of sandbox) may not grant, and a limit we could not restore would be worse than the fault. Works on
// any pid; on a container, on each of its processes but its init, by host pid.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { FaultError, PrerequisiteError, type Problem } from "../../core/errors.ts";
import { isSameProcess, processStartTime } from "../../core/process-identity.ts";
import { procStatus } from "../../system/targets/proc.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { type NofileLimit, nofileLimit, openDescriptors } from "./proc-info.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import { appPids, type ResourceTarget, resolveTarget } from "./target-ref.ts";

const run = promisify(execFile);
export const PRLIMIT_ENABLE = "apt-get install -y util-linux (prlimit), and run as root";

export interface FdState extends BaseState {
  /** Descriptors left free under the lowered limit. */
  leave: number;
}

/** Undefined when prlimit can change another process's limits here, else why not. */
export async function prlimitMissing(): Promise<string | undefined> {
  try {
    await run("prlimit", ["--version"], { timeout: 5000 });
  } catch {
    return "prlimit (util-linux) is not installed";
  }
  if (process.getuid?.() !== 0) return "root: changing another user's process limits needs root";
  return undefined;
}

export class FdFault extends ResourceFault<FdState> {
  readonly kind = "resource-fds";

  /** The process or container to exhaust: a Target, `{ pid }`, or a service name the context resolves. */
  on(target: ResourceTarget): this {
    return this.with({ target });
  }

  protected copy(s: FdState): this {
    return new FdFault(s) as this;
  }

  protected problems(): Problem[] {
    return numberProblem("leave", this.s.leave, 0, 1_000_000, "a whole number of descriptors");
  }

  protected params(): Record<string, unknown> {
    return { leave: this.s.leave };
  }

  describe(): string {
    return `fds: RLIMIT_NOFILE of ${this.target()} (soft) lowered to its open descriptors + ${this.s.leave}`;
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const missing = await prlimitMissing();
    if (missing)
      throw new PrerequisiteError(`cannot exhaust descriptors: ${missing}`, { hint: PRLIMIT_ENABLE });
    const t = await resolveTarget(this.s.target!, ctx);
    // A container's limit is its processes': each one's, from the host (a running container's ulimits cannot
    // be changed through the engine).
    const done: NofileRecord[] = [];
    const parts: string[] = [];
    try {
      for (const pid of await appPids(t)) {
        const original = await nofileLimit(pid);
        const open = await openDescriptors(pid);
        const hard = original.hard;
        const limit = hard === "unlimited" ? open + this.s.leave : Math.min(hard, open + this.s.leave);
        const startTime = processStartTime(pid);
        await setNofile(pid, { soft: limit, hard });
        done.push({ pid, startTime, soft: original.soft, hard: original.hard });
        parts.push(
          `prlimit --pid ${pid} --nofile=${limit}:${hard} (${open} open + ${this.s.leave}; was ${original.soft}:${original.hard})`,
        );
      }
    } catch (error) {
      await restoreNofiles(done).catch(() => {});
      throw error;
    }
    const how = `${parts.join(", ")} on ${t.description}`;
    const first = done[0];
    this.tell("applied", how, { pid: first.pid, pids: done.map((d) => d.pid), original: first });
    return {
      revert: async () => {
        await restoreNofiles(done);
        const alive = (await procStatus(first.pid)) !== "exited";
        this.tell("reverted", how, { pid: first.pid, alive });
      },
      // The start times tell the reaper a reused pid from the target.
      reap: { kind: "resource-nofile", ...first, ...(done.length > 1 ? { targets: done } : {}) },
    };
  }
}

export interface NofileRecord {
  pid: number;
  /** Tells a reused pid from the target. */
  startTime?: string;
  soft: NofileLimit["soft"];
  hard: NofileLimit["hard"];
}

/** Puts each recorded limit back on the processes still alive (a process that exited took its limit along). */
export async function restoreNofiles(records: readonly NofileRecord[]): Promise<void> {
  const errors: unknown[] = [];
  for (const r of records) {
    if ((await procStatus(r.pid)) === "exited") continue;
    if (r.startTime !== undefined && !isSameProcess({ pid: r.pid, startTime: r.startTime })) continue;
    await setNofile(r.pid, r).catch((e: unknown) => errors.push(e));
  }
  if (errors.length > 0) throw errors[0];
}

export async function setNofile(pid: number, l: NofileLimit): Promise<void> {
  try {
    await run("prlimit", ["--pid", String(pid), `--nofile=${l.soft}:${l.hard}`], { timeout: 5000 });
  } catch (error) {
    throw new FaultError(`prlimit could not set RLIMIT_NOFILE of pid ${pid} to ${l.soft}:${l.hard}`, {
      found: String((error as { stderr?: string }).stderr ?? error).trim(),
    });
  }
}
