// The scenario model: what a scenario file declares. A scenario states its expected behaviour in words and as
// checks; the runner verifies steady state before any fault, samples it during and after, measures recovery,
// and judges. A scenario that only "ran" has not passed: without checks it is refused.
//
// Three shapes, told apart by the one field each has:
//   fault: the runner applies the faults, holds them, reverts them, and measures recovery from the revert;
//   steps: the scenario's own steps apply faults through ctx.apply (targets found at run time);
//   load:  a load plan against a service (no background traffic, no fault window).

import type { FaultHandle, FaultSpec } from "../chaos/fault.ts";
import type { CaptureSpec } from "../core/capture.ts";
import type { Duration } from "../core/duration.ts";
import type { LoadPlan } from "../load/plan.ts";
import type { StreamSpec } from "../load/stream/stream-spec.ts";
import type { RoleNeed } from "../system/roles.ts";
import type { Check } from "./expect.ts";
import type { ScenarioContext } from "./scenario-context.ts";

export type Suite = "chaos" | "load" | "stress";
export const SUITES: readonly Suite[] = ["chaos", "load", "stress"];

export interface Requirement {
  /** Returns undefined when met, else the reason it is not. */
  check(ctx: ScenarioContext): Promise<string | undefined>;
  /** The command or setting that meets it, shown with the skip. */
  enable: string;
}

interface ScenarioBase {
  id: string;
  name: string;
  suite: Suite;
  category: string;
  /** The expected behaviour, in words, as a person would state it. */
  expected: string;
  /**
   * The roles it acts on ("@gateway", "@backend", "@workers" in its faults) and what it needs of each: a system
   * that does not map them, or does not meet the needs, skips the scenario with the reason.
   */
  roles?: Readonly<Record<string, readonly RoleNeed[]>>;
  /** What must be true of this machine; a scenario whose requirement fails is skipped with the reason. */
  requires?: Requirement[];
  /** The expectations it is judged on. */
  expect: Check[];
}

/** Background traffic, a fault window and recovery: what fault and steps scenarios share. */
interface WindowedScenario extends ScenarioBase {
  /** How long background traffic runs before the fault, as the baseline; default "5s" (time-scaled, >= 20 requests' worth). */
  baseline?: Duration;
  /** How long the fault stays; default "20s" (time-scaled, >= minDuration). */
  duration?: Duration;
  /** The shortest fault window that still tests the expectation, whatever the time scale; default "3s". */
  minDuration?: Duration;
  /** Recovery: the deadline after the revert, and what counts as recovered. Not time-scaled. */
  recovery?: { deadline?: Duration; window?: Duration; minSuccessRate?: number };
  /** Background traffic rate override (requests per second). */
  trafficRate?: number;
  /** Values captured from each traffic response, added to the system's `traffic.capture` (for expect.share). */
  capture?: CaptureSpec;
  /**
   * Stream the background traffic (see plan.stream()): samples carry time to first token, tokens and cut
   * streams, for expect.latencyBelow(..., { metric: "time_to_first_token" }) and expect.cutStreams. `true`:
   * as the system's `traffic.stream` says (plain traffic when it says nothing); or a stream of the scenario's,
   * whose `body` replaces the system's traffic body.
   */
  trafficStream?: true | (StreamSpec & { body?: unknown });
}

export interface FaultScenario extends WindowedScenario {
  /** The fault(s) the runner applies together, holds for `duration` and reverts. */
  fault: FaultSpec | FaultSpec[];
  /** Before the faults are applied, e.g. reading a counter the checks compare with. */
  before?: (ctx: ScenarioContext) => Promise<void>;
  /** Beside the fault window, once every fault is applied: evidence gathering. The window lasts `duration`
   *  and at least until this returns. */
  beside?: (ctx: ScenarioContext, faults: FaultHandle[]) => Promise<void>;
  /** At the end of the window, before the revert (the faults still applied). */
  beforeRevert?: (ctx: ScenarioContext, faults: FaultHandle[]) => Promise<void>;
  steps?: never;
  load?: never;
}

export interface StepsScenario extends WindowedScenario {
  /** The fault window's own steps: they apply faults with ctx.apply; whatever they leave is reverted after. */
  steps: (ctx: ScenarioContext) => Promise<void>;
  fault?: never;
  load?: never;
}

export interface LoadScenario extends ScenarioBase {
  load: {
    plan: LoadPlan;
    /** The service to load; default the system's traffic service. */
    service?: string;
    /** Through the service's proxy instead of straight to it; default false: load measures the system. */
    viaProxy?: boolean;
    /** After the load, e.g. a note on what it showed. */
    after?: (ctx: ScenarioContext) => Promise<void>;
  };
  fault?: never;
  steps?: never;
}

export type ScenarioDefinition = FaultScenario | StepsScenario | LoadScenario;
export type ScenarioShape = "fault" | "steps" | "load";

export function scenarioShape(d: ScenarioDefinition): ScenarioShape {
  return d.load ? "load" : d.steps ? "steps" : "fault";
}

/** The faults a scenario declares (none for steps and load scenarios). */
export function declaredFaults(d: ScenarioDefinition): FaultSpec[] {
  return d.fault === undefined ? [] : Array.isArray(d.fault) ? d.fault : [d.fault];
}

/** Declares a scenario; `export const scenario = defineScenario({...})` in a scenario file. */
export function defineScenario<S extends ScenarioDefinition>(def: S): S {
  return def;
}
