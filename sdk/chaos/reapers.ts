// Reverts, from another process, what a killed run left applied: one reaper per ledger record kind, registered
// here explicitly (convention 8). Used by scripts/reap.ts on the ledger file a run mirrors to disk.
import { $ } from "zx";
import type { ReapRecord } from "../core/ledger.ts";
import { dockerClient } from "../system/targets/docker-engine.ts";
import { TARGET_REAPERS } from "../system/targets/reap.ts";
import { RESOURCE_REAPERS } from "./resource/reapers.ts";
import { removeToxic, setProxyEnabled } from "./toxiproxy-client.ts";

export type Reaper = (record: ReapRecord) => Promise<void>;

const NETWORK_REAPERS: Record<string, Reaper> = {
  "toxiproxy-toxics": async (r) => {
    for (const name of (r.toxics as string[]) ?? []) await removeToxic(String(r.url), String(r.proxy), name);
  },
  "toxiproxy-enable": (r) => setProxyEnabled(String(r.url), String(r.proxy), true),
};

const SHELL_REAPERS: Record<string, Reaper> = {
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

const REAPERS: Record<string, Reaper> = {
  ...NETWORK_REAPERS,
  ...SHELL_REAPERS,
  ...RESOURCE_REAPERS,
  ...Object.fromEntries(
    Object.entries(TARGET_REAPERS).map(([kind, reap]) => [kind, (r: ReapRecord) => reap(r, dockerClient)]),
  ),
};

/** The record kinds this build can reap. */
export function reapableKinds(): string[] {
  return Object.keys(REAPERS).sort();
}

/** Reverts one record; throws when its kind is unknown (the record stays for a newer hivestorm to reap). */
export async function reapRecord(record: ReapRecord): Promise<void> {
  const reaper = Object.hasOwn(REAPERS, record.kind) ? REAPERS[record.kind] : undefined;
  if (!reaper)
    throw new Error(
      `no reaper for records of kind ${JSON.stringify(record.kind)}; known: ${reapableKinds().join(", ")}`,
    );
  await reaper(record);
}
