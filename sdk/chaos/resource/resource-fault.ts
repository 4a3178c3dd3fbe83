// What every resource fault shares: an immutable spec (each builder returns a new one), `.on(target)`,
// `.observe(fn)` for what applying saw (how the pressure was made, OOM kills, connections refused), and the
// apply/for entry points of the fault contract.
import type { Duration } from "../../core/duration.ts";
import type { Problem } from "../../core/errors.ts";
import { type ChaosContext, chaosContext } from "../context.ts";
import { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "../fault.ts";
import { type ResourceTarget, targetName, targetProblems } from "./target-ref.ts";

/** What a resource fault reports: once applied (`how` it was made) and once reverted (what it did). */
export interface ResourceObservation {
  phase: "applied" | "reverted";
  kind: string;
  target: string;
  /** One sentence for the report. */
  how: string;
  facts: Record<string, unknown>;
}

export type Observer = (o: ResourceObservation) => void;

export interface BaseState {
  target?: ResourceTarget;
  observer?: Observer;
}

export abstract class ResourceFault<S extends BaseState> implements FaultSpec {
  abstract readonly kind: string;
  protected readonly s: Readonly<S>;

  constructor(state: S) {
    this.s = Object.freeze({ ...state });
  }

  protected abstract copy(state: S): this;
  /** Problems with the fault's own parameters. */
  protected abstract problems(): Problem[];
  abstract describe(): string;
  abstract applyRaw(ctx: ChaosContext): Promise<Applied>;
  /** The parameters, for the journal. */
  protected abstract params(): Record<string, unknown>;

  protected with(patch: Partial<S>): this {
    return this.copy({ ...this.s, ...patch });
  }

  /** Calls `fn` with what applying and reverting saw. */
  observe(fn: Observer): this {
    return this.with({ observer: fn } as Partial<S>);
  }

  validate(): Problem[] {
    return [...this.targetProblems(), ...this.problems()];
  }

  protected targetProblems(): Problem[] {
    return targetProblems(this.s.target);
  }

  target(): string {
    return targetName(this.s.target);
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, target: this.target(), ...this.params() };
  }

  apply(ctx?: ChaosContext): Promise<FaultHandle> {
    return applyFault(this, ctx ?? chaosContext());
  }

  for(duration: Duration, ctx?: ChaosContext): Promise<{ appliedAt: number; revertedAt: number }> {
    return applyFor(this, duration, ctx ?? chaosContext());
  }

  protected tell(
    phase: ResourceObservation["phase"],
    how: string,
    facts: Record<string, unknown> = {},
  ): void {
    try {
      this.s.observer?.({ phase, kind: this.kind, target: this.target(), how, facts });
    } catch {
      // An observer's bug must not leave a fault half-applied.
    }
  }
}

export function numberProblem(
  path: string,
  v: unknown,
  min: number,
  max: number,
  what = "a number",
): Problem[] {
  return typeof v === "number" && Number.isFinite(v) && v >= min && v <= max
    ? []
    : [{ path, message: `expected ${what} in [${min}, ${max}], found ${JSON.stringify(v)}` }];
}
