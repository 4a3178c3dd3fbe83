// stress-ng as a child process that is inside the target's cgroup from its first instruction: a shell writes its
// own pid into each cgroup.procs and only then execs stress-ng, so no stressor is ever forked outside the
// target's limits (Pumba's old mistake: stress beside the target measures nothing). Its own process group, so
// that one SIGKILL ends it and every stressor.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FaultError } from "../../core/errors.ts";
import { procStatus } from "../../system/targets/proc.ts";
import { sleep } from "./proc-info.ts";

export const STRESS_NG_ENABLE = "apt-get install -y stress-ng (or bash .ci/setup-stress.sh)";

/** Undefined when stress-ng can run here, else why not. */
export function stressNgMissing(): string | undefined {
  try {
    execFileSync("stress-ng", ["--version"], { stdio: "ignore", timeout: 5000 });
    return undefined;
  } catch {
    return "stress-ng is not installed (Debian package stress-ng)";
  }
}

export interface StressProcess {
  readonly pid: number;
  readonly args: readonly string[];
  /** Ends stress-ng and every stressor (SIGKILL to the group) and waits until they are gone. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when stress-ng exits by itself. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `stress-ng <args>` with its pid written into each of `cgroupDirs` before it runs. */
export function startStressNg(
  args: readonly string[],
  cgroupDirs: readonly string[],
  options: { mayEnd?: boolean } = {},
): Promise<StressProcess> {
  return startPlaced("stress-ng", ["stress-ng", ...args], args, cgroupDirs, options);
}

/**
 * Starts `command` (argv, run by exec) with its pid written into each of `cgroupDirs` before it runs, in its
 * own process group. `label` names it in errors; `args` is what the StressProcess reports.
 */
export async function startPlaced(
  label: string,
  command: readonly string[],
  args: readonly string[],
  cgroupDirs: readonly string[],
  options: { mayEnd?: boolean } = {},
): Promise<StressProcess> {
  const moves = cgroupDirs.map((d) => `echo $$ > ${shellQuote(join(d, "cgroup.procs"))}`).join(" && ");
  const script = `${moves ? `${moves} && ` : ""}exec "$@"`;
  const child: ChildProcess = spawn("sh", ["-c", script, "sh", ...command], {
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    if (stderr.length < 4000) stderr += c.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const pid = child.pid!;
  // A failed move or a bad argument ends the shell at once: wait a moment to report it as the apply's error.
  const early = await Promise.race([exited, sleep(300).then(() => undefined)]);
  // A stressor that is meant to push past a memory limit may be OOM-killed at once: that is not a failed start.
  const failedStart =
    early && !(options.mayEnd && !/^sh: |unrecognized|invalid/im.test(stderr) && early.code !== 127);
  if (early && failedStart) {
    throw new FaultError(`${label} did not start: ${stderr.trim() || `exit ${early.code ?? early.signal}`}`, {
      found: `${label} ${args.join(" ")}`,
      hint: `check that the cgroup still exists and that ${label} runs by hand with these arguments`,
    });
  }
  let stopping: Promise<void> | undefined;
  return {
    pid,
    args,
    exited,
    stop() {
      stopping ??= (async () => {
        killGroup(pid, "SIGKILL");
        await Promise.race([exited, sleep(5000)]);
        // Stressors reparented elsewhere still carry the group id.
        for (let i = 0; i < 40 && groupAlive(pid); i++) {
          killGroup(pid, "SIGKILL");
          await sleep(50);
        }
      })();
      return stopping;
    },
  };
}

/** SIGKILL to a process group; a group that is gone is fine. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // gone
  }
}

export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** For the reaper: is `pid` still a stress-ng (or `command`) we started? A recycled pid must not be killed. */
export async function isStressNg(pid: number, command = "stress-ng"): Promise<boolean> {
  if ((await procStatus(pid)) === "exited") return false;
  const comm = await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "");
  return comm.startsWith(command);
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
