// What a reaper found: it reverted the change, or the change had already gone (its process died, its
// Toxiproxy stopped and took its toxics with it, the folder was removed), said in words.
import type { ReapRecord } from "../core/ledger-file.ts";

export interface ReapOutcome {
  state: "reverted" | "gone";
  note?: string;
}

export interface ReapOptions {
  /** SIGTERM → SIGKILL grace for recorded processes; the watchdog uses a short one to keep its bound. */
  graceMs: number;
}

/** Reverts one record from another process; idempotent. Nothing returned means "reverted". */
export type Reaper = (
  record: ReapRecord,
  options?: ReapOptions,
) => Promise<ReapOutcome | undefined | unknown>;

export const gone = (note: string): ReapOutcome => ({ state: "gone", note });
