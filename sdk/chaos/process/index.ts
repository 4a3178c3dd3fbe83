// `chaos.process`: the fluent entry for process and container faults. Each call returns a new immutable spec;
// the selector is a service ("queen"), an instance group ("hive/instances") or "worker" (the instances of the
// one service that declares them).
import type { Duration } from "../../core/duration.ts";
import { ProcessFault } from "./process-fault.ts";

export const processChaos = {
  /** Sends `signal` (SIGKILL unless said otherwise) to 1 target; `.count(n)`, `.percent(p)`, `.when(...)`. */
  kill: (selector: string, options: { signal?: NodeJS.Signals } = {}) =>
    new ProcessFault(selector, { type: "kill", signal: options.signal ?? "SIGKILL" }),
  /** SIGTERM (or `signal`), the grace period, then SIGKILL: what a graceful shutdown gets. */
  stop: (selector: string, options: { grace?: Duration; signal?: NodeJS.Signals } = {}) =>
    new ProcessFault(selector, { type: "stop", grace: options.grace ?? "5s", signal: options.signal }),
  /** SIGSTOP (a container: the freezer) until reverted, or for `duration` (time-scaled). */
  pause: (selector: string, duration?: Duration) => new ProcessFault(selector, { type: "pause", duration }),
  /** Stops and starts the target again (containers, and processes hivestorm spawned). */
  restart: (selector: string, options: { grace?: Duration } = {}) =>
    new ProcessFault(selector, { type: "restart", grace: options.grace }),
  /** A real kernel OOM kill under a memory limit just above the target's usage; `.provoke(fn)` makes it allocate. */
  oom: (
    selector: string,
    options: { headroomBytes?: number; limitBytes?: number; timeout?: Duration } = {},
  ) => new ProcessFault(selector, { type: "oom", ...options }),
};

export type { Candidate, CandidateResolver } from "./candidates.ts";
export { faultPlan, scenarioPlanProblems } from "./plan.ts";
export {
  choose,
  type ProcessAction,
  ProcessFault,
  type ProcessFaultOutcome,
  type ProcessHit,
  type Provoke,
} from "./process-fault.ts";
export { describeSelection, resolveSelector, type Selection } from "./selector.ts";
export { type CandidateSystem, systemCandidates } from "./system-candidates.ts";
export { TRIGGERS, type Trigger, type TriggerName, waitForTrigger } from "./triggers.ts";
export { type WatchOptions, type WatchResult, watchInstances } from "./watch-instances.ts";
