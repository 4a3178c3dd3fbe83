// Memory pressure inside the target's cgroup: a stressor (the built-in hog, or stress-ng --vm) holds a share of
// the memory the cgroup has left (its limit minus its usage). Below 100% the target runs close to its limit; at 100% or more the cgroup goes
// over it and the kernel's OOM killer ends the target: a real OOM kill, counted by the cgroup. The target is
// made the OOM killer's first choice (oom_score_adj 1000, and a limit small next to the target's resident
// size), so the stressor is not the one that dies.
import { readFile, writeFile } from "node:fs/promises";
import type { Problem } from "../../core/errors.ts";
import { once } from "../../core/once.ts";
import { pollUntil, procStatus } from "../../system/targets/proc.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import {
  requireStressor,
  STRESSOR_ALLOWANCE,
  type StressorName,
  startStressor,
  stressorFor,
  stressorProblems,
} from "./stressor.ts";
import { type ResourceTarget, resolveTarget } from "./target-ref.ts";
import { enterScope, mib, watchExit } from "./target-scope.ts";

export const DEFAULT_MEMORY_HEADROOM = 32 * 2 ** 20;

export interface MemoryState extends BaseState {
  /** Share of the cgroup's remaining memory that the stressor holds, in percent. */
  percent?: number;
  /** Or an absolute number of bytes. */
  bytes?: number;
  /** The limit during the fault is the usage at apply plus this (default 32 MiB). */
  headroom: number;
  children: boolean;
  /** Which program holds the memory (default: HIVESTORM_STRESSOR, else builtin). */
  stressor?: StressorName;
}

export class MemoryFault extends ResourceFault<MemoryState> {
  readonly kind = "resource-memory";

  constructor(state: Partial<MemoryState>) {
    super({ headroom: DEFAULT_MEMORY_HEADROOM, children: false, ...state });
  }

  /** The process or container to exhaust: a Target, `{ pid }`, or a service name the context resolves. */
  on(target: ResourceTarget): this {
    return this.with({ target });
  }

  protected copy(s: MemoryState): this {
    return new MemoryFault(s) as this;
  }

  /** The memory the target's cgroup has beyond its usage during the fault. */
  headroom(bytes: number): MemoryFault {
    return this.with({ headroom: bytes });
  }

  /** Which program holds the memory: the built-in hog or stress-ng (default: HIVESTORM_STRESSOR, else builtin). */
  stressor(name: StressorName): MemoryFault {
    return this.with({ stressor: name });
  }

  /** Moves the target's descendants into the cgroup too. */
  withChildren(): MemoryFault {
    return this.with({ children: true });
  }

  protected problems(): Problem[] {
    const p: Problem[] = [];
    if ((this.s.percent === undefined) === (this.s.bytes === undefined))
      p.push({ path: "", message: "expected exactly one of percent and bytes" });
    if (this.s.percent !== undefined)
      p.push(...numberProblem("percent", this.s.percent, 1, 200, "a percentage"));
    if (this.s.bytes !== undefined)
      p.push(...numberProblem("bytes", this.s.bytes, 4096, 2 ** 40, "a number of bytes"));
    p.push(...stressorProblems(this.s.stressor));
    p.push(...numberProblem("headroom", this.s.headroom, 2 ** 20, 2 ** 40, "a number of bytes (>= 1 MiB)"));
    return p;
  }

  protected params(): Record<string, unknown> {
    return {
      percent: this.s.percent,
      bytes: this.s.bytes,
      headroom: this.s.headroom,
      children: this.s.children,
      stressor: this.#stressor(),
    };
  }

  #stressor(): StressorName {
    return stressorFor(this.s.stressor);
  }

  describe(): string {
    const amount =
      this.s.percent !== undefined ? `${this.s.percent}% of the memory left` : mib(this.s.bytes ?? 0);
    const stressor = this.#stressor();
    return `memory: ${stressor} holds ${amount} in the cgroup of ${this.target()} (limit: usage + ${mib(this.s.headroom)} + ${mib(STRESSOR_ALLOWANCE[stressor])} for ${stressor} itself)`;
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const stressor = this.#stressor();
    const allowance = STRESSOR_ALLOWANCE[stressor];
    requireStressor(stressor);
    const t = await resolveTarget(this.s.target!, ctx);
    const scope = await enterScope(t, {
      name: "memory",
      children: this.s.children,
      memoryHeadroom: this.s.headroom + allowance,
    });
    // Every process of the target (a container's init and its app, a service's children) becomes the OOM
    // killer's first choice; the stressor, not yet started, keeps its own score.
    const adjusted = await raiseOomScores(await scope.pids());
    const oomBefore = await scope.oomKills();
    // From 100% on the stressor also asks for its own allowance: the cgroup must go over its limit.
    const share = this.s.bytes ?? (this.s.percent! / 100) * this.s.headroom;
    const bytes = Math.max(4096, Math.round(share + (share >= this.s.headroom ? allowance : 0)));
    let stress: Awaited<ReturnType<typeof startStressor>>;
    try {
      stress = await startStressor(stressor, { kind: "memory", bytes }, scope.dirs, {
        mayEnd: bytes >= this.s.headroom,
      });
    } catch (error) {
      await restoreOomScores(adjusted);
      await scope.release();
      throw error;
    }
    let oomAfter: number | undefined;
    const end = once(async () => {
      oomAfter ??= await scope.oomKills().catch(() => oomBefore);
      await stress.stop();
      await restoreOomScores(adjusted);
      await scope.release();
    });
    const reap = {
      kind: "resource-stress",
      pgid: stress.pid,
      command: stress.command,
      oomAdj: adjusted,
      ...scope.reap,
    };
    // In the ledger from the moment the stressor runs: the wait below can take seconds, and a run killed in it
    // must leave no stressor or cgroup behind. The fault's own entry takes over once it is applied.
    const pending = ctx.ledger.add({ description: `${this.describe()} (being applied)`, revert: end, reap });
    // Wait until the stressor is resident (or the target is gone): the pressure is real before the window starts.
    const base = scope.usageBytes ?? 0;
    try {
      await pollUntil(
        async () =>
          ctx.signal?.aborted === true ||
          (await procStatus(t.pid)) === "exited" ||
          (await scope.memoryUsage().catch(() => 0)) >= base + Math.min(bytes, this.s.headroom) * 0.9,
        10_000,
        50,
      );
    } catch (error) {
      await end();
      throw error;
    } finally {
      ctx.ledger.settle(pending);
    }
    const how = `${stress.commandLine} (${mib(bytes)}) in the target's cgroup: ${scope.how}; oom_score_adj of ${adjusted.length} target process(es) set to 1000`;
    this.tell("applied", how, { limitBytes: scope.limitBytes, stressBytes: bytes, pid: t.pid, stressor });
    // A container that dies takes the fault with it, as a killed process leaves our cgroup: its restart (the
    // replacement) must not start under the stressor and the lowered limit, which would kill it again.
    const watch = t.docker ? watchExit(t.pid, end) : undefined;
    return {
      revert: async () => {
        watch?.stop();
        const alive = (await procStatus(t.pid)) !== "exited";
        await end();
        this.tell("reverted", how, {
          oomKills: (oomAfter ?? oomBefore) - oomBefore,
          targetAlive: alive,
          pid: t.pid,
          ...(watch?.ended() ? { releasedAtExit: true } : {}),
        });
      },
      reap,
    };
  }
}

/** Sets oom_score_adj 1000 on each pid; returns the old values (pids that vanished are skipped). */
async function raiseOomScores(pids: number[]): Promise<{ pid: number; value: string }[]> {
  const out: { pid: number; value: string }[] = [];
  for (const pid of pids) {
    const file = `/proc/${pid}/oom_score_adj`;
    const value = (await readFile(file, "utf8").catch(() => "")).trim();
    if (value === "") continue;
    await writeFile(file, "1000").then(
      () => out.push({ pid, value }),
      () => {},
    );
  }
  return out;
}

/** Puts the old scores back on the processes still alive. */
export async function restoreOomScores(saved: readonly { pid: number; value: string }[]): Promise<void> {
  for (const { pid, value } of saved)
    if ((await procStatus(pid)) !== "exited")
      await writeFile(`/proc/${pid}/oom_score_adj`, value).catch(() => {});
}
