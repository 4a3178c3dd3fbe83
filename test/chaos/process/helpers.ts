// Real child processes for the process-fault tests, all stopped in after().
import type { ChildProcess } from "node:child_process";
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
