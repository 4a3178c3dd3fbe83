// What a scenario's own steps get: the system, the chaos context, a place to record what they saw.
import type { ChaosContext } from "../chaos/context.ts";
import type { FaultHandle, FaultSpec } from "../chaos/fault.ts";
import type { Duration } from "../core/duration.ts";
import type { InstanceInfo, SystemDefinition } from "../system/definition.ts";
import type { RunShell } from "../testbed/shell.ts";
import type { ServiceHandle } from "../testbed/testbed.ts";
import type { ObservationKey } from "./observation.ts";
import type { ScenarioDefinition } from "./scenario.ts";

export type { ServiceHandle };

export interface SystemHandle {
  definition: SystemDefinition;
  services: Record<string, ServiceHandle>;
  /** Instances behind a service or role ("@workers"), as the definition lists them. */
  instances(service: string): Promise<InstanceInfo[]>;
  /** A service by name or role ("@gateway"); a clear error when it names nothing. */
  service(ref: string): ServiceHandle;
  /** A counter the service (or role) exposes, read now. */
  counter(ref: string, name: string): Promise<number>;
  target: "process" | "docker";
}

export interface ScenarioContext {
  readonly scenario: ScenarioDefinition;
  readonly system: SystemHandle;
  readonly chaos: ChaosContext;
  /** Aborted when the run is interrupted: steps should return soon after. */
  readonly signal: AbortSignal;
  /**
   * zx's `$` bound to the run: the project folder, every command's output into run.log and its line into the
   * journal, killed with its process tree on interrupt. `ctx.$.undo\`cmd\`` registers the revert of a step: it
   * runs at the end of the scenario, on Ctrl-C, and from the ledger after a killed run.
   */
  readonly $: RunShell;
  /** Applies a fault in this scenario (recorded as a fault window, reverted at the end whatever happens). */
  apply<D = unknown>(spec: FaultSpec): Promise<FaultHandle<D>>;
  /** Waits for the scenario's fault window (its duration, time-scaled, never under minDuration). */
  hold(): Promise<void>;
  /** Sleeps for a time-scaled duration; returns early when the run is aborted. */
  sleep(duration: Duration): Promise<void>;
  /** One line into the run log and the live progress. */
  log(message: string): void;
  /** A sentence for the report ("OOM produced by a cgroup memory limit of 64 MiB"). */
  note(text: string): void;
  /** Records a value for the checks (observed(o, key)) and the journal (scenario.observations). */
  record<T>(key: ObservationKey<T> | string, value: T): void;
  /** A value recorded earlier in this scenario (e.g. by its `before` step). */
  recorded<T>(key: ObservationKey<T> | string): T | undefined;
  /** Live progress: requests/s and errors of the last second. */
  progress(rps: number, errors: number): void;
  /** Attaches a load engine's result to the scenario (load scenarios); checks read it as data.load. */
  setLoad(result: unknown): void;
}
