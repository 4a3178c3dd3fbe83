// State changes made through a target (a pause, a cgroup, a memory limit) come with their undo, so that the
// cleanup ledger can revert them on any exit path, and `scripts/reap.ts` after a killed run.
import type { CleanupLedger, ReapRecord } from "../../core/ledger.ts";
import { once } from "../../core/once.ts";

/** The part of the cleanup ledger a target needs. */
export type UndoLedger = Pick<CleanupLedger, "add" | "settle">;

/** An idempotent undo of one state change. `await using` reverts it at the end of a block. */
export interface Undo extends AsyncDisposable {
  readonly description: string;
  /** How another process can revert it (see `reapTargetRecord`). */
  readonly reap?: ReapRecord;
  /** True once reverted (by anyone). */
  readonly reverted: boolean;
  revert(): Promise<void>;
}

/**
 * Wraps `action` into an idempotent Undo, recorded in `ledger` (when given) until it is reverted. Concurrent
 * calls share one run of `action`; a failed run may be retried.
 */
export function makeUndo(
  description: string,
  action: () => Promise<void>,
  options: { ledger?: UndoLedger; reap?: ReapRecord } = {},
): Undo {
  let done = false;
  const ledgerId = options.ledger?.add({ description, revert: () => undo.revert(), reap: options.reap });
  const revert = once(async () => {
    await action();
    done = true;
    if (ledgerId !== undefined) options.ledger?.settle(ledgerId);
  });
  const undo: Undo = {
    description,
    reap: options.reap,
    get reverted() {
      return done;
    },
    revert,
    [Symbol.asyncDispose]: revert,
  };
  return undo;
}
