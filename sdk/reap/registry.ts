// The one registry of ledger record kinds → reapers, read by scripts/reap.ts, a run's watchdog and a run that
// finds a stale ledger. Each room registers its own kinds; a kind is looked up, never switched on.
import { $ } from "zx";
import { RESOURCE_REAPERS } from "../chaos/resource/reapers.ts";
import type { ReapRecord } from "../core/ledger-file.ts";
import { dockerFor } from "../system/targets/docker-engine.ts";
import { TARGET_REAPERS } from "../system/targets/reap.ts";
import { NETWORK_REAPERS } from "./network-reapers.ts";
import type { Reaper, ReapOptions, ReapOutcome } from "./outcome.ts";
import { START_REAPERS } from "./start-reapers.ts";

const SHELL_REAPERS: Readonly<Record<string, Reaper>> = {
  // A revert command registered by a shell fault or ctx.$.undo.
  shell: async (r) => {
    const out = await $({
      cwd: String(r.cwd ?? process.cwd()),
      quiet: true,
      nothrow: true,
    })`sh -c ${String(r.cmd)}`;
    if (out.exitCode !== 0) throw new Error(`exit ${out.exitCode}: ${out.stdall.trim().slice(-300)}`);
  },
};

const REAPERS: Readonly<Record<string, Reaper>> = {
  ...NETWORK_REAPERS,
  ...SHELL_REAPERS,
  ...RESOURCE_REAPERS,
  ...START_REAPERS,
  // A descriptor limit set with prlimit on a recorded process.
  prlimit: RESOURCE_REAPERS["resource-nofile"],
  ...Object.fromEntries(
    Object.entries(TARGET_REAPERS).map(([kind, reap]) => [kind, (r: ReapRecord) => reap(r, dockerFor)]),
  ),
};

/** The record kinds this build can reap. */
export function reapableKinds(): string[] {
  return Object.keys(REAPERS).sort();
}

/**
 * Kinds whose reaper stops processes the run started: a service's group, a fault's stress-ng, a service's
 * container (its processes are the service's).
 */
const PROCESS_KINDS = new Set(["process", "resource-stress", "container"]);

/** Whether a record stops processes (those are reaped first, all at once, to keep the dead-man bound). */
export function isProcessRecord(record: ReapRecord): boolean {
  return PROCESS_KINDS.has(record.kind);
}

/** Reverts one record; throws when its kind is unknown (the record stays for a newer hivestorm to reap). */
export async function reapRecord(
  record: ReapRecord,
  options: ReapOptions = { graceMs: 2000 },
): Promise<ReapOutcome> {
  const reaper = Object.hasOwn(REAPERS, record.kind) ? REAPERS[record.kind] : undefined;
  if (!reaper)
    throw new Error(
      `no reaper for records of kind ${JSON.stringify(record.kind)}; known: ${reapableKinds().join(", ")}`,
    );
  const outcome = (await reaper(record, options)) as ReapOutcome | undefined;
  return outcome && (outcome.state === "gone" || outcome.state === "reverted")
    ? outcome
    : { state: "reverted" };
}
