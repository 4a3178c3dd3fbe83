// A run's ledger: claimed exclusively, with its owner (pid + start time) on record and a watchdog that settles
// it when the run dies. A dead run's ledger found on the way is reaped first (said on stderr); one that cannot
// be settled, or one a live run holds, is refused with the command that settles it. Never overwritten.
import { mkdirSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { HivestormError } from "../core/errors.ts";
import { CleanupLedger, DEFAULT_LEDGER_FILE } from "../core/ledger.ts";
import { ownerAlive, readLedgerFile, removeLedgerFile } from "../core/ledger-file.ts";
import { commandLine } from "../core/process-identity.ts";
import { trackLedger } from "../core/shutdown.ts";
import { ledgerFilesAt, settleLedgerFile } from "./settle-ledger.ts";
import { startWatchdog, type Watchdog } from "./watchdog.ts";

export interface RunLedger extends CleanupLedger {
  /** The run settled everything: stop the watchdog and remove the file. Entries still open stay for the watchdog. */
  close(): Promise<void>;
}

export interface OpenRunLedgerOptions {
  root: string;
  /** Default: HIVESTORM_LEDGER, or .hivestorm/ledger.json under root. */
  file?: string;
  runId?: string;
  /** Where notes go (a stale ledger reaped); default stderr. */
  log?: (line: string) => void;
}

class RunLedgerImpl extends CleanupLedger implements RunLedger {
  private dog: Watchdog | undefined;
  private closed = false;
  untrack: () => void = () => {};

  constructor(file: string, runId: string | undefined) {
    super({ file, keepFile: true, runId });
    this.claimed = true;
  }

  /** Creates the file exclusively; false when another process created it first. */
  claimFile(): boolean {
    try {
      writeFileSync(this.file!, `${JSON.stringify(this.snapshot(), null, 2)}\n`, { flag: "wx" });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  }

  async arm(): Promise<void> {
    this.dog = await startWatchdog(this.file!);
    this.watchdog = this.dog.ref;
    this.persist();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.size > 0) {
      process.stderr.write(
        `hivestorm: ${this.size} ledger entr${this.size === 1 ? "y" : "ies"} still open in ${this.file}; the watchdog settles them when this process exits\n`,
      );
      return;
    }
    await this.dog?.stop();
    removeLedgerFile(this.file!);
    this.untrack();
  }
}

const reapCommand = (root: string, file: string) =>
  `npx tsx scripts/reap.ts --ledger ${relative(root, file) || file}`;

export async function openRunLedger(options: OpenRunLedgerOptions): Promise<RunLedger> {
  const root = resolve(options.root);
  const file = resolve(root, options.file ?? process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(resolve(file, ".."), { recursive: true });
  const ledger = new RunLedgerImpl(file, options.runId);
  for (let attempt = 0; ; attempt++) {
    await settleStale(root, file, log);
    if (ledger.claimFile()) break;
    if (attempt >= 3)
      throw new HivestormError("E_LEDGER_BUSY", `another run keeps claiming ${file}`, {
        hint: "run one hivestorm run per ledger, or give this one its own with HIVESTORM_LEDGER=FILE",
      });
  }
  try {
    await ledger.arm();
  } catch (error) {
    removeLedgerFile(file);
    throw error;
  }
  // A forced exit (a third SIGINT) names what this ledger still holds.
  ledger.untrack = trackLedger(ledger);
  return ledger;
}

/** Reaps dead runs' ledgers at `file` (and beside it); throws when a live run holds `file` or one cannot be settled. */
async function settleStale(root: string, file: string, log: (line: string) => void): Promise<void> {
  for (const f of ledgerFilesAt(file)) {
    let found: ReturnType<typeof readLedgerFile>;
    try {
      found = readLedgerFile(f);
    } catch (error) {
      throw new HivestormError("E_LEDGER", (error as Error).message, {
        hint: `look at it, then remove it or run ${reapCommand(root, f)}`,
      });
    }
    if (!found) continue;
    if (ownerAlive(found)) {
      if (f !== file) continue; // a live ad-hoc script's own ledger: not ours to touch, not in our way
      const cmd = commandLine(found.owner.pid);
      throw new HivestormError(
        "E_LEDGER_BUSY",
        `a live run (pid ${found.owner.pid}${cmd ? `: ${cmd}` : ""}) owns ${file}`,
        {
          hint: `wait for it or stop it (it reverts what it applied); to run beside it, give this run its own ledger with HIVESTORM_LEDGER=FILE`,
        },
      );
    }
    if (found.entries.length === 0) {
      removeLedgerFile(f);
      continue;
    }
    log(
      `hivestorm: a previous run (pid ${found.owner.pid}) died leaving ${found.entries.length} entr${found.entries.length === 1 ? "y" : "ies"} in ${relative(root, f) || f}; settling them first`,
    );
    const result = await settleLedgerFile(f, { log: (line) => log(`  ${line}`) });
    if (result.left.length)
      throw new HivestormError(
        "E_LEDGER_STALE",
        `${result.left.length} entr${result.left.length === 1 ? "y" : "ies"} of a dead run could not be settled: ${result.left.map((l) => `${l.entry.description} (${l.error})`).join("; ")}`,
        { hint: `fix what the messages say, then run ${reapCommand(root, f)}` },
      );
  }
}
