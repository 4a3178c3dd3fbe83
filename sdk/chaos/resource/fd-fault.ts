// Descriptor exhaustion in a running target: its soft RLIMIT_NOFILE is lowered (prlimit) to what it holds now
// plus `leave`, so that its next connections and files fail with EMFILE; the original limit is put back on
// revert. Only the soft limit moves: raising a hard limit again needs CAP_SYS_RESOURCE, which a container (or
// this kind of sandbox) may not grant, and a limit we could not restore would be worse than the fault. Works on
// any pid, including a container's (host pid).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { FaultError, PrerequisiteError, type Problem } from "../../core/errors.ts";
import { processStartTime } from "../../core/process-identity.ts";
import { procStatus } from "../../system/targets/proc.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { type NofileLimit, nofileLimit, openDescriptors } from "./proc-info.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import { type ResourceTarget, resolveTarget } from "./target-ref.ts";

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
    const original = await nofileLimit(t.pid);
    const open = await openDescriptors(t.pid);
    const hard = original.hard;
    const limit = hard === "unlimited" ? open + this.s.leave : Math.min(hard, open + this.s.leave);
    await setNofile(t.pid, { soft: limit, hard });
    const how = `prlimit --pid ${t.pid} --nofile=${limit}:${hard} on ${t.description} (${open} open + ${this.s.leave}; was ${original.soft}:${original.hard})`;
    this.tell("applied", how, { pid: t.pid, open, limit, original });
    return {
      revert: async () => {
        if ((await procStatus(t.pid)) !== "exited") await setNofile(t.pid, original);
        this.tell("reverted", how, { pid: t.pid, alive: (await procStatus(t.pid)) !== "exited" });
      },
      // The start time tells the reaper a reused pid from the target.
      reap: {
        kind: "resource-nofile",
        pid: t.pid,
        startTime: processStartTime(t.pid),
        soft: original.soft,
        hard: original.hard,
      },
    };
  }
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
