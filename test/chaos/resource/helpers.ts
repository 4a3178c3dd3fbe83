// Shared by the resource fault tests: a real child process to exhaust (the targets' hog fixture), a file-less
// ledger in a fresh chaos context, and the checks that nothing was left behind.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createChaosContext } from "../../../sdk/chaos/context.ts";
import { type StressorName, stressorMissing } from "../../../sdk/chaos/resource/stressor.ts";
import { scopeMissing } from "../../../sdk/chaos/resource/target-scope.ts";
import { CleanupLedger } from "../../../sdk/core/ledger.ts";
import { listHivestormCgroups } from "../../../sdk/system/cgroup/cgroup.ts";

export const HOG = fileURLToPath(new URL("../../system/fixtures/hog.mjs", import.meta.url));

export function testContext() {
  return createChaosContext({ ledger: new CleanupLedger() });
}

/** Why the stress tests cannot run here (not root, no cgroups, `stressor` missing), or false. */
export function stressSkip(
  kind: "process" | "docker" = "process",
  stressor: StressorName = "builtin",
): string | false {
  return scopeMissing(kind) ?? stressorMissing(stressor) ?? false;
}

export interface Hog {
  child: ChildProcess;
  pid: number;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Starts the hog fixture on an ephemeral port; `allocMb` touches that much memory first. */
export async function startHog(env: Record<string, string> = {}): Promise<Hog> {
  const child = spawn(process.execPath, [HOG], {
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("hog did not start in 10 s")), 10_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  return {
    child,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

/** Every stressor process (stress-ng or the built-in hog) on the machine whose parent chain leads to us. */
export function ourStressNg(): number[] {
  const out: number[] = [];
  for (const name of readdirSafe("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const comm = readSafe(`/proc/${name}/comm`);
    if (!comm.startsWith("stress-ng") && !comm.startsWith("hivestorm-hog")) continue;
    // stress-ng runs in its own group: the group leader's parent is us (or gone: reparented).
    out.push(Number(name));
  }
  return out.filter((pid) => descendsFromUs(pid));
}

export async function hivestormCgroups(): Promise<string[]> {
  return [
    ...(await listHivestormCgroups("/sys/fs/cgroup/memory")),
    ...(await listHivestormCgroups("/sys/fs/cgroup/cpu")),
  ];
}

export function cgroupOf(pid: number, controller: string): string {
  const line = readSafe(`/proc/${pid}/cgroup`)
    .split("\n")
    .find((l) => l.split(":")[1]?.split(",").includes(controller));
  return line?.split(":")[2] ?? "";
}

export function isMounted(dir: string): boolean {
  return readSafe("/proc/self/mountinfo")
    .split("\n")
    .some((l) => l.split(" ")[4] === dir);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function descendsFromUs(pid: number): boolean {
  let p = pid;
  for (let i = 0; i < 10 && p > 1; i++) {
    const stat = readSafe(`/proc/${p}/stat`);
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (ppid === process.pid) return true;
    p = ppid;
  }
  return false;
}

function readSafe(path: string): string {
  try {
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  } catch {
    return "";
  }
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
