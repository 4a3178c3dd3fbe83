// Real child processes for the process-fault tests, all stopped in after().
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";
import type { Candidate } from "../../../sdk/chaos/process/candidates.ts";
import { ProcessTarget } from "../../../sdk/system/targets/process-target.ts";

export const SLEEPER = fileURLToPath(new URL("./fixtures/sleeper.mjs", import.meta.url));
export const OWNER = fileURLToPath(new URL("./fixtures/owner.mjs", import.meta.url));

const spawned: ProcessTarget[] = [];

export async function sleeper(id: string, ...args: string[]): Promise<ProcessTarget> {
  const t = await ProcessTarget.spawn({ id, command: process.execPath, args: [SLEEPER, ...args] });
  spawned.push(t);
  return t;
}

export async function candidate(
  id: string,
  patch: Partial<Omit<Candidate, "target">> = {},
  args: string[] = [],
): Promise<Candidate> {
  const target = await sleeper(id, ...args);
  return { id, service: "owner", state: "ready", inflight: 0, pid: await target.pid(), ...patch, target };
}

export async function killAll(): Promise<void> {
  for (const t of spawned.splice(0)) {
    if (await t.isRunning()) await t.stop({ graceMs: 0 }).catch(() => {});
  }
}

export function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", () => r())));
}

/**
 * Resolves once the sleeper `pid` has installed its handlers (a start takes longer on a busy machine): it then
 * catches SIGUSR2 (its bit in /proc's SigCgt), which it hooks after SIGTERM. SIGTERM's own bit says nothing:
 * Node catches SIGTERM and SIGINT from the start.
 */
export async function sleeperReady(pid: number, timeoutMs = 30_000): Promise<void> {
  const bit = 1n << BigInt(constants.signals.SIGUSR2 - 1);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m && (BigInt(`0x${m[1]}`) & bit) !== 0n) return;
    if (Date.now() > deadline) throw new Error(`sleeper ${pid} installed no handlers within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
