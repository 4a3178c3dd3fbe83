// The contract every fault type implements (DESIGN.md convention 1): a spec knows how to validate, describe and
// apply itself; apply returns a handle that reverts it. Specs are plain immutable values until applied.
import { type Duration, scaledDuration } from "../core/duration.ts";
import type { Problem } from "../core/errors.ts";
import { ValidationError } from "../core/errors.ts";
import type { ReapRecord } from "../core/ledger.ts";
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

/** What applying did: how to revert it here, and how another process can revert it after a crash. */
export interface Applied {
  revert: RevertFn;
  reap?: ReapRecord;
}

export interface FaultHandle extends AsyncDisposable {
  readonly description: string;
  readonly appliedAt: number;
  readonly revertedAt: number | undefined;
  /** Reverts the fault. Idempotent: later calls return the first call's promise. */
  revert(): Promise<void>;
}

/** Validates a spec, refusing it with every problem listed. */
export function assertValid(spec: FaultSpec): void {
  const problems = spec.validate();
  if (problems.length) throw new ValidationError(`fault ${spec.describe()}`, problems);
}

/** Applies a spec: validates it, records it in the cleanup ledger, tells the context's listeners. */
export async function applyFault(spec: FaultSpec, ctx: ChaosContext = chaosContext()): Promise<FaultHandle> {
  assertValid(spec);
  const description = spec.describe();
  const applied = await spec.applyRaw(ctx);
  const appliedAt = Date.now();
  let revertedAt: number | undefined;
  let reverting: Promise<void> | undefined;
  const revert = (): Promise<void> => {
    reverting ??= (async () => {
      await applied.revert();
      revertedAt = Date.now();
      ctx.ledger.settle(ledgerId);
      ctx.events.emit("reverted", { spec, appliedAt, revertedAt });
    })();
    return reverting;
  };
  const ledgerId = ctx.ledger.add({ description, revert, reap: applied.reap });
  ctx.events.emit("applied", { spec, appliedAt });
  return {
    description,
    appliedAt,
    get revertedAt() {
      return revertedAt;
    },
    revert,
    [Symbol.asyncDispose]: revert,
  };
}

/** Applies a spec, keeps it for a (time-scaled) duration, then reverts it, whatever happens in between. */
export async function applyFor(
  spec: FaultSpec,
  duration: Duration,
  ctx: ChaosContext = chaosContext(),
  signal?: AbortSignal,
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
