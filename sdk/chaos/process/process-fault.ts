// A fault on processes or containers: kill (any signal), graceful stop (grace, then SIGKILL), pause (SIGSTOP or
// the freezer), restart, or a real OOM kill. Immutable like the network faults: every builder call returns a
// new spec. Targets are resolved on the live system when it is applied, before anything is done to them; a
// selection that resolves to no target is refused.
import { constants } from "node:os";
import {
  type Duration,
  durationProblem,
  formatDuration,
  parseDuration,
  scaledDuration,
} from "../../core/duration.ts";
import { FaultError, type Problem } from "../../core/errors.ts";
import type { OomResult, StopResult } from "../../system/targets/target.ts";
import type { Undo } from "../../system/targets/undo.ts";
import { type ChaosContext, chaosContext } from "../context.ts";
import { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "../fault.ts";
import { type Candidate, describeCandidate, isCandidate } from "./candidates.ts";
import { describeSelection, resolveSelector, type SelectableSystem } from "./selector.ts";
import { TRIGGERS, type Trigger, type TriggerName, waitForTrigger } from "./triggers.ts";

export type ProcessAction =
  | { type: "kill"; signal: NodeJS.Signals }
  | { type: "stop"; grace: Duration; signal?: NodeJS.Signals }
  | { type: "pause"; duration?: Duration }
  | { type: "restart"; grace?: Duration }
  | { type: "oom"; headroomBytes?: number; limitBytes?: number; timeout?: Duration };

/** Makes an OOM target allocate (e.g. a request to its debug endpoint); the spec does not know how. */
export type Provoke = (candidate: Candidate) => Promise<unknown> | unknown;

/** What one hit target went through. `stop`/`oom` are set once `done` resolves. */
export interface ProcessHit {
  id: string;
  description: string;
  state: string;
  inflight: number;
  pid?: number;
  url?: string;
  container?: string;
  slot?: number;
  /** Epoch ms of the first signal (or the limit, for an OOM). */
  at: number;
  stop?: StopResult;
  oom?: OomResult;
  error?: string;
}

export interface ProcessFaultOutcome {
  description: string;
  selector: string;
  /** Every candidate found when it was applied, as "id (pid, state)". */
  resolved: string[];
  /** How many running (not "starting") candidates there were: what a percentage is of. */
  population: number;
  trigger?: { on: TriggerName; waitedMs: number };
  hits: ProcessHit[];
  /** Resolves when every hit has settled: stopped, OOM-killed (or failed to be). Never rejects. */
  done: Promise<void>;
}

interface State {
  action: ProcessAction;
  selector: string;
  count?: number;
  percent?: number;
  trigger?: Trigger;
  provoke?: Provoke;
  observers: ReadonlyArray<(o: ProcessFaultOutcome) => void>;
}

const SIGNALS = new Set(Object.keys(constants.signals) as NodeJS.Signals[]);

export class ProcessFault implements FaultSpec {
  readonly #s: State;

  constructor(selector: string, action: ProcessAction, state: Partial<State> = {}) {
    this.#s = { observers: [], ...state, selector, action };
  }

  get kind(): string {
    return `process-${this.#s.action.type}`;
  }

  /** Acts on a different selector: a service, "<service>/instances", or "worker". */
  on(selector: string): ProcessFault {
    return this.#with({ selector });
  }
  /** Acts on `n` of the selected targets (default 1). */
  count(n: number): ProcessFault {
    return this.#with({ count: n, percent: undefined });
  }
  /** Acts on `p`% of the selected targets (rounded, at least one). */
  percent(p: number): ProcessFault {
    return this.#with({ percent: p, count: undefined });
  }
  /** Waits (bounded) for a moment: "inference" (requests in flight) or "registration" (started, not ready). */
  when(on: TriggerName, options: { timeout?: Duration; listed?: boolean } = {}): ProcessFault {
    return this.#with({ trigger: { on, ...options } });
  }
  /** How an OOM target is made to allocate once its limit is set. */
  provoke(fn: Provoke): ProcessFault {
    return this.#with({ provoke: fn });
  }
  /** Called with what was done, once applied (ids, pids, and later the stop or OOM results). */
  observe(fn: (o: ProcessFaultOutcome) => void): ProcessFault {
    return this.#with({ observers: [...this.#s.observers, fn] });
  }

  // The same selection, another action: `chaos.process.kill("worker").count(2).stop({ grace: "5s" })`.
  kill(signal: NodeJS.Signals = "SIGKILL"): ProcessFault {
    return this.#with({ action: { type: "kill", signal } });
  }
  stop(options: { grace?: Duration; signal?: NodeJS.Signals } = {}): ProcessFault {
    return this.#with({ action: { type: "stop", grace: options.grace ?? "5s", signal: options.signal } });
  }
  pause(duration?: Duration): ProcessFault {
    return this.#with({ action: { type: "pause", duration } });
  }
  restart(options: { grace?: Duration } = {}): ProcessFault {
    return this.#with({ action: { type: "restart", grace: options.grace } });
  }
  oom(options: { headroomBytes?: number; limitBytes?: number; timeout?: Duration } = {}): ProcessFault {
    return this.#with({ action: { type: "oom", ...options } });
  }

  validate(): Problem[] {
    const s = this.#s;
    const problems: Problem[] = [];
    if (typeof s.selector !== "string" || s.selector.trim() === "")
      problems.push({ path: "selector", message: 'expected what to act on, e.g. "worker" or "queen"' });
    if (s.count !== undefined && !(Number.isSafeInteger(s.count) && s.count >= 1))
      problems.push({
        path: "count",
        message: `expected a whole number >= 1, found ${JSON.stringify(s.count)}`,
      });
    if (s.percent !== undefined && !(typeof s.percent === "number" && s.percent > 0 && s.percent <= 100))
      problems.push({
        path: "percent",
        message: `expected a number in (0, 100], found ${JSON.stringify(s.percent)}`,
      });
    if (s.trigger) {
      if (!Object.hasOwn(TRIGGERS, s.trigger.on))
        problems.push({
          path: "when",
          message: `expected one of ${Object.keys(TRIGGERS).join(", ")}, found ${JSON.stringify(s.trigger.on)}`,
        });
      const p =
        s.trigger.timeout === undefined ? undefined : durationProblem(s.trigger.timeout, { positive: true });
      if (p) problems.push({ path: "when.timeout", message: p });
    }
    const a = s.action;
    const duration = (path: string, d: Duration | undefined, positive = false) => {
      const p = d === undefined ? undefined : durationProblem(d, { positive });
      if (p) problems.push({ path, message: p });
    };
    if (a.type === "kill" || a.type === "stop") {
      const sig = a.signal;
      if (sig !== undefined && !SIGNALS.has(sig))
        problems.push({
          path: "signal",
          message: `expected a signal name such as SIGKILL, found ${JSON.stringify(sig)}`,
        });
    }
    if (a.type === "stop") {
      if (a.grace === undefined)
        problems.push({ path: "grace", message: 'expected a grace period, e.g. "5s"' });
      duration("grace", a.grace);
    }
    if (a.type === "restart") duration("grace", a.grace);
    if (a.type === "pause") duration("pause", a.duration, true);
    if (a.type === "oom") {
      for (const key of ["headroomBytes", "limitBytes"] as const) {
        const v = a[key];
        if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
          problems.push({
            path: key,
            message: `expected a positive whole number of bytes, found ${JSON.stringify(v)}`,
          });
      }
      duration("timeout", a.timeout, true);
      if (s.provoke !== undefined && typeof s.provoke !== "function")
        problems.push({ path: "provoke", message: "expected a function that makes the target allocate" });
    }
    return problems;
  }

  /** Problems with this spec on a given system (the selector names something there), for dry runs. */
  planProblems(system: SelectableSystem): Problem[] {
    const r = resolveSelector(system, this.#s.selector);
    return typeof r === "string" ? [{ path: "selector", message: r }] : [];
  }

  /** How the selector resolves on a system, for dry runs: "the instances of hive". */
  plan(system: SelectableSystem): string {
    const r = resolveSelector(system, this.#s.selector);
    return typeof r === "string"
      ? `resolves to nothing: ${r}`
      : `${this.#s.selector} → ${describeSelection(r)}`;
  }

  describe(): string {
    const s = this.#s;
    const a = s.action;
    const what =
      a.type === "kill"
        ? `${a.signal} to`
        : a.type === "stop"
          ? `graceful stop (${a.signal ?? "SIGTERM"}, ${show(a.grace, parseDuration)} grace, then SIGKILL) of`
          : a.type === "pause"
            ? `pause${a.duration === undefined ? "" : ` for ${show(a.duration, scaledDuration)}`} of`
            : a.type === "restart"
              ? "restart of"
              : "OOM kill (memory limit, kernel OOM killer) of";
    const which = s.percent !== undefined ? `${s.percent}% of` : `${s.count ?? 1} of`;
    const when = s.trigger ? ` ${TRIGGERS[s.trigger.on]?.describe ?? s.trigger.on}` : "";
    return `${what} ${which} ${s.selector || "?"}${when}`;
  }

  target(): string {
    return this.#s.selector;
  }

  toJSON(): Record<string, unknown> {
    const s = this.#s;
    return {
      kind: this.kind,
      selector: s.selector,
      action: s.action,
      ...(s.percent !== undefined ? { percent: s.percent } : { count: s.count ?? 1 }),
      ...(s.trigger ? { when: s.trigger } : {}),
      ...(s.provoke ? { provoke: true } : {}),
    };
  }

  apply(ctx?: ChaosContext): Promise<FaultHandle> {
    return applyFault(this, ctx ?? chaosContext());
  }

  for(duration: Duration, ctx?: ChaosContext): Promise<{ appliedAt: number; revertedAt: number }> {
    return applyFor(this, duration, ctx ?? chaosContext());
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const s = this.#s;
    const resolveAll = async (): Promise<Candidate[]> => {
      if (!ctx.targets)
        throw new FaultError(`cannot apply ${this.describe()}: the chaos context has no target resolver`, {
          hint: "run the scenario through run-all (or its own file), or set ctx.targets = systemCandidates({...})",
        });
      return (await ctx.targets(s.selector)).filter(isCandidate);
    };
    // 1. Resolve (and wait for the trigger) before anything is done.
    let candidates: Candidate[];
    let trigger: ProcessFaultOutcome["trigger"];
    if (s.trigger) {
      const t = await waitForTrigger(s.trigger, s.selector, resolveAll);
      candidates = t.candidates;
      trigger = { on: s.trigger.on, waitedMs: t.waitedMs };
    } else candidates = await resolveAll();
    const chosen = choose(candidates, s);
    if (chosen.length === 0)
      throw new FaultError(`${this.describe()}: the selection resolves to no target`, {
        found: candidates.length
          ? `candidates: ${candidates.map(describeCandidate).join("; ")}`
          : `${s.selector} has no instances now`,
        hint: "select a service or instance group that runs now (see --dry-run)",
      });
    // 2. Act on every chosen target.
    const hits: ProcessHit[] = [];
    const settling: Promise<void>[] = [];
    const undos: Undo[] = [];
    const timers: NodeJS.Timeout[] = [];
    for (const c of chosen) {
      const hit: ProcessHit = {
        id: c.id,
        description: c.target.describe(),
        state: c.state,
        inflight: c.inflight,
        pid: c.pid,
        url: c.url,
        container: c.container,
        slot: c.slot,
        at: Date.now(),
      };
      hits.push(hit);
      const a = s.action;
      if (a.type === "kill") await c.target.kill(a.signal);
      else if (a.type === "pause") {
        const undo = await c.target.pause();
        undos.push(undo);
        if (a.duration !== undefined)
          timers.push(setTimeout(() => void undo.revert().catch(() => {}), scaledDuration(a.duration)));
      } else {
        // Long actions settle in the background so that the fault window starts at the first signal.
        const run = async () => {
          if (a.type === "stop")
            hit.stop = await c.target.stop({ graceMs: parseDuration(a.grace), signal: a.signal });
          else if (a.type === "restart") {
            if (!c.target.restart)
              throw new FaultError(`cannot restart ${c.target.describe()}: it cannot be started again`);
            await c.target.restart({ graceMs: a.grace === undefined ? undefined : parseDuration(a.grace) });
          } else if (a.type === "oom") {
            const provoke = s.provoke;
            hit.oom = await c.target.oom({
              headroomBytes: a.headroomBytes,
              limitBytes: a.limitBytes,
              timeoutMs: a.timeout === undefined ? undefined : parseDuration(a.timeout),
              provoke: provoke ? () => provoke(c) : undefined,
            });
          }
        };
        settling.push(
          run().catch((error: unknown) => {
            hit.error = (error as Error).message;
          }),
        );
      }
    }
    const done = Promise.all(settling).then(() => undefined);
    const outcome: ProcessFaultOutcome = {
      description: this.describe(),
      selector: s.selector,
      resolved: candidates.map(describeCandidate),
      population: candidates.filter((c) => c.state !== "starting").length,
      trigger,
      hits,
      done,
    };
    for (const fn of s.observers) fn(outcome);
    return {
      // A kill cannot be undone: the revert ends the window (the owner replaces the instance, not us); a pause
      // is resumed; a stop or OOM in progress is waited for, so that nothing is left half done.
      revert: async () => {
        for (const t of timers) clearTimeout(t);
        for (const u of undos) await u.revert();
        await done;
      },
      details: outcome,
    };
  }

  #with(patch: Partial<State>): ProcessFault {
    const next = { ...this.#s, ...patch };
    return new ProcessFault(next.selector, next.action, next);
  }
}

/**
 * The targets to act on: those eligible for the trigger first (the most in flight first), then other running
 * ones, in random order (as Chaos Monkey picks); "starting" instances only when the trigger asks for them.
 */
export function choose(
  candidates: Candidate[],
  s: { count?: number; percent?: number; trigger?: Trigger },
  random: () => number = Math.random,
): Candidate[] {
  const trigger = s.trigger;
  const eligible = (c: Candidate) => (trigger ? TRIGGERS[trigger.on].eligible(c, trigger) : false);
  const shuffled = candidates
    .map((c) => ({ c, r: random() }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.c);
  const first = shuffled.filter(eligible).sort((a, b) => b.inflight - a.inflight);
  const rest =
    s.trigger?.on === "registration" ? [] : shuffled.filter((c) => !eligible(c) && c.state !== "starting");
  const pool = [...first, ...rest];
  const runningCount = candidates.filter((c) => c.state !== "starting").length || candidates.length;
  const n =
    s.percent !== undefined ? Math.max(1, Math.round((runningCount * s.percent) / 100)) : (s.count ?? 1);
  return pool.slice(0, n);
}

/** A duration for descriptions; an invalid one is shown as given (validate reports it). */
function show(d: Duration, parse: (d: Duration) => number): string {
  try {
    return formatDuration(parse(d));
  } catch {
    return JSON.stringify(d);
  }
}
