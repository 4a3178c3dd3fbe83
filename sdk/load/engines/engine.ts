// The contract between run.ts and an embedded engine: the engine drives load per the resolved plan,
// reports every request to the recorder, and returns once the plan and its graceful stop are over or the
// signal fires (then at once, counting what was still in flight as interrupted).
import { sleep } from "../../core/sleep.ts";
import type { Recorder } from "../recorder.ts";
import type { ResolvedPlan } from "../resolve-plan.ts";

export interface EngineContext {
  plan: ResolvedPlan;
  recorder: Recorder;
  /** performance.now() at the start of the run. */
  t0: number;
  signal: AbortSignal;
}

export type Engine = (ctx: EngineContext) => Promise<void>;

/** Resolves when `idle()` turns true (polled), after `ms`, or on abort, whichever comes first. */
export async function drain(idle: () => boolean, ms: number, signal: AbortSignal): Promise<void> {
  const end = performance.now() + ms;
  while (!idle() && !signal.aborted && performance.now() < end) {
    await sleep(Math.min(20, end - performance.now()), signal);
  }
}
