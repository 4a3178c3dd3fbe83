// CPU saturation inside the target's cgroup: busy workers at a given load (the built-in hog's threads, or
// stress-ng --cpu with --cpu-load), in the same cgroup (and under the same quota) as the target, so that the
// target competes for its own CPU budget and nothing else's.
import type { Problem } from "../../core/errors.ts";
import { once } from "../../core/once.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";
import {
  requireStressor,
  type StressorName,
  startStressor,
  stressorFor,
  stressorProblems,
} from "./stressor.ts";
import { type ResourceTarget, resolveTarget } from "./target-ref.ts";
import { enterScope, watchExit } from "./target-scope.ts";

export interface CpuState extends BaseState {
  /** Percent of each stressor's CPU time spent busy (stress-ng --cpu-load). */
  load: number;
  /** CPUs' worth of quota for the process target's cgroup (default 1). */
  quota: number;
  /** Stressor processes (default: enough to fill the quota). */
  workers?: number;
  /** Move the target's descendants too (default true: a service such as the hive is a tree). */
  children: boolean;
  /** Which program makes the pressure (default: HIVESTORM_STRESSOR, else builtin). */
  stressor?: StressorName;
}

export class CpuFault extends ResourceFault<CpuState> {
  readonly kind = "resource-cpu";

  constructor(state: Partial<CpuState> & { load: number }) {
    super({ quota: 1, children: true, ...state });
  }

  /** The process or container to exhaust: a Target, `{ pid }`, or a service name the context resolves. */
  on(target: ResourceTarget): this {
    return this.with({ target });
  }

  protected copy(s: CpuState): this {
    return new CpuFault(s) as this;
  }

  /** The cgroup's CPU quota, in CPUs (process targets; a container keeps its own). */
  quota(cpus: number): CpuFault {
    return this.with({ quota: cpus });
  }

  workers(n: number): CpuFault {
    return this.with({ workers: n });
  }

  /** Which program makes the pressure: the built-in hog or stress-ng (default: HIVESTORM_STRESSOR, else builtin). */
  stressor(name: StressorName): CpuFault {
    return this.with({ stressor: name });
  }

  /** Only the target's main process goes into the cgroup, not its children. */
  alone(): CpuFault {
    return this.with({ children: false });
  }

  protected problems(): Problem[] {
    return [
      ...numberProblem("load", this.s.load, 1, 100, "a percentage"),
      ...numberProblem("quota", this.s.quota, 0.01, 1024, "a number of CPUs"),
      ...stressorProblems(this.s.stressor),
      ...(this.s.workers === undefined
        ? []
        : numberProblem("workers", this.s.workers, 1, 256, "a whole number")),
    ];
  }

  protected params(): Record<string, unknown> {
    return {
      load: this.s.load,
      quota: this.s.quota,
      workers: this.#workers(),
      children: this.s.children,
      stressor: this.#stressor(),
    };
  }

  describe(): string {
    return `cpu: ${this.#stressor()} ${this.#workers()} worker(s) at ${this.s.load}% inside the cgroup of ${this.target()} (quota ${this.s.quota} CPU)`;
  }

  #workers(): number {
    return this.s.workers ?? Math.max(1, Math.ceil(this.s.quota));
  }

  /** The stressor this fault runs: its own choice, else the environment's (read when described or applied). */
  #stressor(): StressorName {
    return stressorFor(this.s.stressor);
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const stressor = this.#stressor();
    const spec = { kind: "cpu", workers: this.#workers(), load: this.s.load } as const;
    requireStressor(stressor);
    const t = await resolveTarget(this.s.target!, ctx);
    const scope = await enterScope(t, { name: "cpu", children: this.s.children, cpuQuota: this.s.quota });
    let stress: Awaited<ReturnType<typeof startStressor>>;
    try {
      stress = await startStressor(stressor, spec, scope.dirs);
    } catch (error) {
      await scope.release();
      throw error;
    }
    const how = `${stress.commandLine} in the target's cgroup: ${scope.how}`;
    this.tell("applied", how, { pid: stress.pid, stressor });
    const end = once(async () => {
      await stress.stop();
      await scope.release();
    });
    // A container that dies takes the fault with it: its restart must not start under the stressor.
    const watch = t.docker ? watchExit(t.pid, end) : undefined;
    return {
      revert: async () => {
        watch?.stop();
        await end();
        this.tell("reverted", how);
      },
      reap: { kind: "resource-stress", pgid: stress.pid, command: stress.command, ...scope.reap },
    };
  }
}
