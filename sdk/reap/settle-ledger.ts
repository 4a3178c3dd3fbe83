// Settles a ledger file a run left: reverts what is still applied, says what died with its owner, and keeps
// on disk only what could not be settled. The processes the run started (services, stress processes) are
// stopped first, all at once: the bound must not grow with their number, and the changes made on them then
// undo at once (a cgroup or a mount they no longer hold, a limit or a pause that died with them). The changes
// follow, newest first; one that failed gets one more try after the others.
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  type LedgerFile,
  type LedgerFileEntry,
  ownerAlive,
  readLedgerFile,
  removeLedgerFile,
  writeLedgerFile,
} from "../core/ledger-file.ts";
import type { ReapOutcome } from "./outcome.ts";
import { isProcessRecord, reapRecord } from "./registry.ts";

export interface SettleOptions {
  dryRun?: boolean;
  /** Settle even while the owner lives (it then loses track of what it applied). */
  force?: boolean;
  /** SIGTERM → SIGKILL grace for processes. */
  graceMs?: number;
  log?: (line: string) => void;
  /** Say when each entry was settled, from the start (the watchdog does, to show its bound). */
  timed?: boolean;
  /** Only settle when the owner is this process (a watchdog checks it still reaps the run it watched). */
  expectOwnerPid?: number;
}

export interface SettleResult {
  file: string;
  /** No ledger at `file`. */
  missing: boolean;
  /** The owner lives: nothing was done. */
  ownerAlive: boolean;
  owner?: LedgerFile["owner"];
  settled: { entry: LedgerFileEntry; outcome: ReapOutcome }[];
  left: { entry: LedgerFileEntry; error: string }[];
}

export async function settleLedgerFile(file: string, options: SettleOptions = {}): Promise<SettleResult> {
  const log = options.log ?? (() => {});
  const result: SettleResult = { file, missing: false, ownerAlive: false, settled: [], left: [] };
  const ledger = readLedgerFile(file);
  if (!ledger) return { ...result, missing: true };
  result.owner = ledger.owner;
  if (options.expectOwnerPid !== undefined && ledger.owner.pid !== options.expectOwnerPid) return result;
  if (ownerAlive(ledger) && !options.force) return { ...result, ownerAlive: true };
  const newestFirst = [...ledger.entries].reverse();
  if (options.dryRun) {
    for (const e of newestFirst) log(`would settle: ${e.description} (${describeRecord(e)})`);
    return result;
  }
  const graceMs = options.graceMs ?? 2000;
  const t0 = Date.now();
  const attempt = async (entry: LedgerFileEntry) => {
    try {
      const outcome = await reapRecord(entry.reap, { graceMs });
      result.settled.push({ entry, outcome });
      const at = options.timed ? ` [+${Date.now() - t0} ms]` : "";
      log(
        outcome.state === "gone"
          ? `gone: ${entry.description}: ${outcome.note ?? "it died with its owner"}${at}`
          : `reverted: ${entry.description}${outcome.note ? ` (${outcome.note})` : ""}${at}`,
      );
      return undefined;
    } catch (error) {
      return { entry, error: (error as Error).message ?? String(error) };
    }
  };
  const processes = await Promise.all(newestFirst.filter((x) => isProcessRecord(x.reap)).map(attempt));
  for (const f of processes) if (f) result.left.push(f);
  const failed: { entry: LedgerFileEntry; error: string }[] = [];
  for (const e of newestFirst.filter((x) => !isProcessRecord(x.reap))) {
    const f = await attempt(e);
    if (f) failed.push(f);
  }
  for (const f of failed) {
    const again = await attempt(f.entry);
    if (again) result.left.push(again);
  }
  for (const f of result.left) log(`could not settle ${f.entry.description}: ${f.error}`);
  const leftIds = new Set(result.left.map((f) => f.entry.id));
  // Another writer (the owner, if --force) may have changed the file meanwhile: keep its entries we did not try.
  const now = readLedgerFile(file);
  const tried = new Set(ledger.entries.map((e) => e.id));
  const remaining = [
    ...ledger.entries.filter((e) => leftIds.has(e.id)),
    ...(now?.entries ?? []).filter((e) => !tried.has(e.id)),
  ];
  if (remaining.length) writeLedgerFile(file, { ...ledger, entries: remaining });
  else removeLedgerFile(file);
  return result;
}

function describeRecord(e: LedgerFileEntry): string {
  const r = e.reap;
  const bits = Object.entries(r)
    .filter(
      ([k, v]) => k !== "kind" && (typeof v === "string" || typeof v === "number" || typeof v === "boolean"),
    )
    .map(([k, v]) => `${k} ${String(v)}`);
  return [r.kind, ...bits].join(", ");
}

/** The ledger at `file` and the ones beside it that processes wrote while `file` was held (`ledger.<pid>.json`). */
export function ledgerFilesAt(file: string): string[] {
  const dir = dirname(file);
  const stem = basename(file).replace(/\.json$/, "");
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [file];
  }
  const siblings = names
    .filter((n) => n.startsWith(`${stem}.`) && /^\d+\.json$/.test(n.slice(stem.length + 1)))
    .map((n) => join(dir, n));
  return [file, ...siblings.sort()];
}
