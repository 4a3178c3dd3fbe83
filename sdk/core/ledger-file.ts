// The on-disk form of a cleanup ledger, read by scripts/reap.ts and the watchdog of a run. The owner (the run's
// pid and start time) is kept apart from the records, so that a record may name a target's pid without
// passing itself off as the owner.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { isSameProcess, type ProcessRef } from "./process-identity.ts";

/** What a reaper needs to revert an entry from another process: plain JSON, with a `kind` it knows. */
export interface ReapRecord {
  kind: string;
  [key: string]: unknown;
}

export interface LedgerOwner extends ProcessRef {
  runId?: string;
}

export interface LedgerFileEntry {
  id: string;
  description: string;
  appliedAt: number;
  reap: ReapRecord;
}

export interface LedgerFile {
  version: 2;
  owner: LedgerOwner;
  /** The dead-man switch watching the owner, when there is one. */
  watchdog?: ProcessRef;
  entries: LedgerFileEntry[];
}

/** Kinds whose version-1 records carried the target's pid in `pid`, over the owner's. */
const TARGET_PID_KINDS = new Set(["resource-nofile", "process-paused"]);

/**
 * Reads a ledger file (version 2, or version 1 as older runs wrote it); undefined when there is none.
 * Throws with the file's name when it is not a ledger.
 */
export function readLedgerFile(file: string): LedgerFile | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not a hivestorm ledger (${(error as Error).message})`);
  }
  const data = raw as { version?: number; owner?: LedgerOwner; watchdog?: ProcessRef; entries?: unknown };
  if (!data || typeof data !== "object" || !Array.isArray(data.entries))
    throw new Error(`${file} is not a hivestorm ledger (no "entries" list)`);
  if (data.version === 2 && data.owner)
    return {
      version: 2,
      owner: data.owner,
      watchdog: data.watchdog,
      entries: data.entries as LedgerFileEntry[],
    };
  // Version 1: the record's keys and the owner's pid were mixed in one object.
  const v1 = data.entries as (ReapRecord & {
    id: string;
    description: string;
    appliedAt?: number;
    pid?: number;
  })[];
  const ownerPid = v1.find((e) => !TARGET_PID_KINDS.has(e.kind))?.pid;
  return {
    version: 2,
    // An owner we cannot name is taken as dead: version-1 writers are gone once a version-2 reader runs.
    owner: { pid: typeof ownerPid === "number" ? ownerPid : -1 },
    entries: v1.map(({ id, description, appliedAt, pid, ...reap }) => ({
      id,
      description,
      appliedAt: appliedAt ?? 0,
      reap: TARGET_PID_KINDS.has(reap.kind) ? { ...reap, pid } : reap,
    })),
  };
}

/** Writes atomically (rename), so that a reader never sees half a ledger. */
export function writeLedgerFile(file: string, ledger: LedgerFile): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(ledger, null, 2)}\n`);
  renameSync(tmp, file);
}

export function removeLedgerFile(file: string): void {
  rmSync(file, { force: true });
}

/** True while the run that owns the ledger lives (the same pid and start time). */
export function ownerAlive(ledger: LedgerFile): boolean {
  return ledger.owner.pid > 0 && ledger.owner.pid !== process.pid && isSameProcess(ledger.owner);
}
