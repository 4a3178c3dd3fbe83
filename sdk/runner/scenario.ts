// The scenario model: what a scenario file declares. A scenario states its expected behaviour in words and as
// checks; the runner verifies steady state before any fault, samples it during and after, measures recovery,
// and judges. A scenario that only "ran" has not passed: without checks it is refused.

import type { FaultSpec } from "../chaos/fault.ts";
import type { Duration } from "../core/duration.ts";
import type { Check } from "./expect.ts";
import type { ScenarioContext } from "./scenario-context.ts";

export type Suite = "chaos" | "load" | "stress";

export interface Requirement {
  /** Returns undefined when met, else the reason it is not. */
  check(ctx: ScenarioContext): Promise<string | undefined>;
  /** The command or setting that meets it, shown with the skip. */
  enable: string;
}

export interface ScenarioDefinition {
  id: string;
  name: string;
  suite: Suite;
  category: string;
  /** The expected behaviour, in words, as a person would state it. */
  expected: string;
  /** What must be true of this machine; a scenario whose requirement fails is skipped with the reason. */
  requires?: Requirement[];
  /** How long background traffic runs before the fault, as the baseline; default "5s" (time-scaled, >= 2 s). */
  baseline?: Duration;
  /** The fault(s) applied together for `duration`. */
  fault?: FaultSpec | FaultSpec[];
  /** How long the fault stays; default "20s" (time-scaled, >= minDuration). */
  duration?: Duration;
  /** The shortest fault window that still tests the expectation, whatever the time scale; default "3s". */
  minDuration?: Duration;
  /** Recovery: the deadline after the revert, and what counts as recovered. Not time-scaled. */
  recovery?: { deadline?: Duration; window?: Duration; minSuccessRate?: number };
  /** Background traffic rate override (requests per second). */
  trafficRate?: number;
  /** Replaces the fault phase with custom steps (e.g. killing a process mid-stream); background traffic runs. */
  during?: (ctx: ScenarioContext) => Promise<void>;
  /** Replaces the whole body (load scenarios): no background traffic, no fault phase. */
  run?: (ctx: ScenarioContext) => Promise<void>;
  /** The expectations it is judged on. */
  expect: Check[];
}

/** Declares a scenario; `export const scenario = defineScenario({...})` in a scenario file. */
export function defineScenario(def: ScenarioDefinition): ScenarioDefinition {
  return def;
}
