// The cleanup ledger: everything a run changes or starts (faults, processes, containers, folders, mounts,
// cgroups, limits, proxies) is recorded here until it is reverted. On SIGINT, SIGTERM, an exception or the end
// of a run everything still open is reverted, newest first. The ledger is mirrored to a JSON file, with its
// owner's pid and start time, so that `scripts/reap.ts` and the run's watchdog can settle what a killed run
// left behind.
import { basename, dirname, join } from "node:path";
import {
  type LedgerFile,
  type LedgerOwner,
  ownerAlive,
  type ReapRecord,
  readLedgerFile,
  removeLedgerFile,
  writeLedgerFile,
} from "./ledger-file.ts";
import { type ProcessRef, selfRef } from "./process-identity.ts";

export type { ReapRecord } from "./ledger-file.ts";

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

export interface CleanupLedgerOptions {
  file?: string;
  /** Keep the file while empty (a run's ledger marks the run as alive); default: removed when empty. */
  keepFile?: boolean;
  runId?: string;
}

let counter = 0;

export class CleanupLedger {
  /** Where the ledger is mirrored; may move beside the asked-for file when a live run holds that one. */
  file: string | undefined;
  readonly owner: LedgerOwner;
  protected watchdog: ProcessRef | undefined;
  private readonly keepFile: boolean;
  private readonly open = new Map<string, LedgerEntry>();
  protected claimed = false;

  constructor(options: CleanupLedgerOptions = {}) {
    this.file = options.file;
    this.keepFile = options.keepFile ?? false;
    this.owner = { ...selfRef(), runId: options.runId };
  }

  /** Records an applied change (or a start); returns its id. */
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

  /** The file's content as this ledger would write it now. */
  snapshot(): LedgerFile {
    return {
      version: 2,
      owner: this.owner,
      watchdog: this.watchdog,
      entries: this.entries()
        .filter((e) => e.reap)
        .map((e) => ({ id: e.id, description: e.description, appliedAt: e.appliedAt, reap: e.reap! })),
    };
  }

  protected persist(): void {
    if (!this.file) return;
    if (!this.claimed) this.claim();
    const ledger = this.snapshot();
    if (ledger.entries.length === 0 && !this.keepFile) {
      removeLedgerFile(this.file);
      return;
    }
    writeLedgerFile(this.file, ledger);
  }

  /**
   * A ledger file another process wrote is never overwritten: a live run's, or a dead run's that nobody has
   * settled yet. This ledger then writes beside it (`ledger.<pid>.json`, which reap.ts also reads).
   */
  private claim(): void {
    this.claimed = true;
    const file = this.file!;
    let existing: LedgerFile | undefined;
    let unreadable = false;
    try {
      existing = readLedgerFile(file);
    } catch {
      unreadable = true;
    }
    if (!unreadable && (!existing || existing.owner.pid === process.pid)) return;
    if (existing && !ownerAlive(existing) && existing.entries.length === 0) return;
    const name = basename(file).replace(/\.json$/, "");
    this.file = join(dirname(file), `${name}.${process.pid}.json`);
    process.stderr.write(
      `hivestorm: ${file} belongs to ${existing && ownerAlive(existing) ? `a live run (pid ${existing.owner.pid})` : "a dead run not yet reaped (npx tsx scripts/reap.ts)"}; this process records its changes in ${this.file}\n`,
    );
  }
}

/** The default location of the on-disk ledger, which `scripts/reap.ts` reads. */
export const DEFAULT_LEDGER_FILE = ".hivestorm/ledger.json";
