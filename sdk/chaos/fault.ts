// The contract every fault type implements: a spec knows how to validate, describe and apply itself; apply
// returns a handle that reverts it. Specs are plain immutable values until applied.
import { type Duration, scaledDuration } from "../core/duration.ts";
import type { Problem } from "../core/errors.ts";
import { HivestormError, ValidationError } from "../core/errors.ts";
import type { ReapRecord } from "../core/ledger.ts";
import { once } from "../core/once.ts";
import { sleep } from "../core/sleep.ts";
import { type ChaosContext, chaosContext } from "./context.ts";

export interface FaultSpec {
  /** Kebab-case id of the fault type, e.g. "network-latency", "process-kill". */
  readonly kind: string;
  /** Every problem with the spec; empty when it can be applied. */
  validate(): Problem[];
  /** One line for dry runs and reports: what, where, how much. */
  describe(): string;
  /** The service or target it acts on, for reports. */
  target(): string;
  /** The spec as plain JSON, for the journal. */
  toJSON(): Record<string, unknown>;
  /** Applies the change. Called by applyFault only, which validates and records it first. */
  applyRaw(ctx: ChaosContext): Promise<Applied>;
}

export type RevertFn = () => Promise<void>;

/** What applying did: how to revert it here, how another process can revert it after a crash, what it hit. */
export interface Applied {
  revert: RevertFn;
  reap?: ReapRecord;
  /** What the fault did (e.g. which workers a kill hit), for the scenario's evidence. */
  details?: unknown;
}

export interface FaultHandle<D = unknown> extends AsyncDisposable {
  /** Unique in the process: the journal's apply and revert of this fault carry it. */
  readonly id: string;
  readonly description: string;
  readonly spec: FaultSpec;
  readonly appliedAt: number;
  readonly revertedAt: number | undefined;
  /** What applying did (the spec's own report, e.g. a process fault's hits). */
  readonly details: D;
  /** Reverts the fault. Idempotent: later calls return the first call's promise. */
  revert(): Promise<void>;
}

/** Validates a spec, refusing it with every problem listed. */
export function assertValid(spec: FaultSpec): void {
  const problems = spec.validate();
  if (problems.length) throw new ValidationError(`fault ${spec.describe()}`, problems);
}

let sequence = 0;

/** Applies a spec: validates it, records it in the cleanup ledger, tells the context's listeners. */
export async function applyFault<D = unknown>(
  spec: FaultSpec,
  ctx: ChaosContext = chaosContext(),
): Promise<FaultHandle<D>> {
  assertValid(spec);
  const description = spec.describe();
  // Abort is final: once the run is interrupted, nothing new is broken.
  if (ctx.signal?.aborted)
    throw new HivestormError("E_ABORTED", `not applying ${description}: the run is being interrupted`);
  const applied = await spec.applyRaw(ctx);
  // Interrupted while applying: the run's cleanup may have passed already, so this fault is undone here.
  if (ctx.signal?.aborted) {
    await applied.revert().catch(() => {});
    throw new HivestormError("E_ABORTED", `${description} reverted at once: the run is being interrupted`);
  }
  const appliedAt = Date.now();
  const id = `fault-${process.pid}-${++sequence}`;
  let revertedAt: number | undefined;
  const revert = once(async () => {
    await applied.revert();
    revertedAt = Date.now();
    ctx.ledger.settle(ledgerId);
    ctx.events.emit("reverted", { id, spec, appliedAt, revertedAt });
  });
  const ledgerId = ctx.ledger.add({ description, revert, reap: applied.reap });
  const handle: FaultHandle<D> = {
    id,
    description,
    spec,
    appliedAt,
    details: applied.details as D,
    get revertedAt() {
      return revertedAt;
    },
    revert,
    [Symbol.asyncDispose]: revert,
  };
  ctx.events.emit("applied", { id, spec, appliedAt, handle });
  return handle;
}

/** Applies a spec, keeps it for a (time-scaled) duration, then reverts it, whatever happens in between. */
export async function applyFor(
  spec: FaultSpec,
  duration: Duration,
  ctx: ChaosContext = chaosContext(),
  signal: AbortSignal | undefined = ctx.signal,
): Promise<{ appliedAt: number; revertedAt: number }> {
  const ms = scaledDuration(duration, `duration of ${spec.kind}`);
  const handle = await applyFault(spec, ctx);
  try {
    await sleep(ms, signal);
  } finally {
    await handle.revert();
  }
  return { appliedAt: handle.appliedAt, revertedAt: handle.revertedAt ?? Date.now() };
}
