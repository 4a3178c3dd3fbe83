// The cleanup ledger (DESIGN.md convention 3): every applied fault is recorded here until it is reverted.
// On SIGINT, SIGTERM, an exception or the end of a run everything still open is reverted, newest first. The
// ledger is mirrored to a JSON file so that `scripts/reap.ts` can revert what a killed run left behind.
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** What a reaper needs to revert an entry from another process: plain JSON, with a `kind` it knows. */
export interface ReapRecord {
  kind: string;
  [key: string]: unknown;
}

export interface LedgerEntry {
  id: string;
  description: string;
  appliedAt: number;
  /** Reverts the change in this process. Must be idempotent. */
  revert: () => Promise<void>;
  /** How another process can revert it, when the entry can be reaped. */
  reap?: ReapRecord;
}

export interface RevertFailure {
  id: string;
  description: string;
  error: unknown;
}

let counter = 0;

export class CleanupLedger {
  readonly file: string | undefined;
  private readonly open = new Map<string, LedgerEntry>();

  constructor(options: { file?: string } = {}) {
    this.file = options.file;
  }

  /** Records an applied change; returns its id. */
  add(entry: Omit<LedgerEntry, "id" | "appliedAt"> & { appliedAt?: number }): string {
    const id = `${process.pid}-${++counter}`;
    this.open.set(id, { ...entry, id, appliedAt: entry.appliedAt ?? Date.now() });
    this.persist();
    return id;
  }

  /** Forgets an entry once it has been reverted by its owner. */
  settle(id: string): void {
    if (this.open.delete(id)) this.persist();
  }

  entries(): LedgerEntry[] {
    return [...this.open.values()];
  }

  get size(): number {
    return this.open.size;
  }

  /** Reverts every open entry, newest first. Never throws: failures are returned so that all get a try. */
  async revertAll(): Promise<RevertFailure[]> {
    const failures: RevertFailure[] = [];
    for (const entry of this.entries().reverse()) {
      try {
        await entry.revert();
        this.settle(entry.id);
      } catch (error) {
        failures.push({ id: entry.id, description: entry.description, error });
      }
    }
    return failures;
  }

  private persist(): void {
    if (!this.file) return;
    const records = this.entries()
      .filter((e) => e.reap)
      .map((e) => ({
        id: e.id,
        description: e.description,
        appliedAt: e.appliedAt,
        pid: process.pid,
        ...e.reap,
      }));
    if (records.length === 0) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ version: 1, entries: records }, null, 2)}\n`);
    renameSync(tmp, this.file);
  }
}

/** The default location of the on-disk ledger, which `scripts/reap.ts` reads. */
export const DEFAULT_LEDGER_FILE = ".hivestorm/ledger.json";

let processLedger: CleanupLedger | undefined;

/** The process-wide ledger that faults use when no runner gave them one. */
export function defaultLedger(): CleanupLedger {
  processLedger ??= new CleanupLedger({ file: process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE });
  return processLedger;
}

/** Replaces the process-wide ledger (the runner does this for each run; tests use a file-less one). */
export function setDefaultLedger(ledger: CleanupLedger): void {
  processLedger = ledger;
}
