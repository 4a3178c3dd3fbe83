// A local process as a target: either one we spawn (we own it: exit status, restart) or an existing pid that
// the runner or the hive started (signals and /proc only).
import { type ChildProcess, spawn } from "node:child_process";
import {
  FaultError,
  PrerequisiteError,
  type Problem,
  TimeoutError,
  ValidationError,
} from "../../core/errors.ts";
import { processStartTime } from "../../core/process-identity.ts";
import { pollUntil, procCommand, procStatus } from "./proc.ts";
import { oomInCgroup } from "./process-oom.ts";
import type { OomOptions, OomResult, StopOptions, StopResult, Target, TargetStatus } from "./target.ts";
import { makeUndo, type Undo, type UndoLedger } from "./undo.ts";

export interface ExitInfo {
  /** null when killed by a signal, or when the pid was not our child (its status is not ours to read). */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnTargetOptions {
  id: string;
  command: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** "ignore" by default: a pipe nobody reads would block the child once it fills. */
  stdio?: "ignore" | "pipe" | "inherit";
  ledger?: UndoLedger;
}

export interface AttachTargetOptions {
  id: string;
  pid: number;
  ledger?: UndoLedger;
}

/** How long SIGKILL may take to be seen before we call it a failure (a D-state process, a frozen cgroup). */
const KILL_WAIT_MS = 10_000;

export class ProcessTarget implements Target {
  readonly kind = "process" as const;
  readonly id: string;
  private readonly spawnOptions: SpawnTargetOptions | undefined;
  private readonly ledger: UndoLedger | undefined;
  private child: ChildProcess | undefined;
  private currentPid: number;
  private exited: Promise<ExitInfo> | undefined;
  private exitInfo: ExitInfo | undefined;
  private label = "";
  private pauseUndo: Undo | undefined;

  private constructor(id: string, pid: number, spawnOptions?: SpawnTargetOptions, ledger?: UndoLedger) {
    this.id = id;
    this.currentPid = pid;
    this.spawnOptions = spawnOptions;
    this.ledger = ledger;
  }

  /** Starts `command` and owns it: its exit status is known and `restart` starts it again. */
  static async spawn(options: SpawnTargetOptions): Promise<ProcessTarget> {
    const problems = idProblems(options.id);
    if (typeof options.command !== "string" || options.command === "") {
      problems.push({
        path: "command",
        message: `expected a command to run, found ${JSON.stringify(options.command)}`,
      });
    }
    if (options.args !== undefined && !Array.isArray(options.args)) {
      problems.push({ path: "args", message: "expected an array of strings" });
    }
    if (problems.length > 0)
      throw new ValidationError(`process target ${JSON.stringify(options.id)}`, problems);
    const target = new ProcessTarget(options.id, 0, options, options.ledger);
    await target.start();
    return target;
  }

  /** Follows a process someone else started (the runner, the hive): signals and /proc only. */
  static async attach(options: AttachTargetOptions): Promise<ProcessTarget> {
    const problems = idProblems(options.id);
    if (!Number.isSafeInteger(options.pid) || options.pid <= 1) {
      problems.push({ path: "pid", message: `expected a process id greater than 1, found ${options.pid}` });
    }
    if (problems.length > 0)
      throw new ValidationError(`process target ${JSON.stringify(options.id)}`, problems);
    if ((await procStatus(options.pid)) === "exited") {
      throw new FaultError(`cannot attach process target ${options.id}: pid ${options.pid} is not running`);
    }
    const target = new ProcessTarget(options.id, options.pid, undefined, options.ledger);
    target.label = await procCommand(options.pid);
    return target;
  }

  /** The child process while we own one (for its stdio); undefined for attached pids. */
  get childProcess(): ChildProcess | undefined {
    return this.child;
  }

  /** True when hivestorm started the process (and so can restart it). */
  get owned(): boolean {
    return this.spawnOptions !== undefined;
  }

  describe(): string {
    const how = this.owned ? "spawned" : "attached";
    return `process ${this.id} (pid ${this.currentPid}, ${how}${this.label ? `: ${this.label}` : ""})`;
  }

  async pid(): Promise<number | undefined> {
    return (await this.isRunning()) ? this.currentPid : undefined;
  }

  async status(): Promise<TargetStatus> {
    if (this.exitInfo) return "exited";
    return procStatus(this.currentPid);
  }

  async isRunning(): Promise<boolean> {
    return (await this.status()) !== "exited";
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!(await this.isRunning())) {
      throw new FaultError(`cannot send ${signal} to ${this.describe()}: it is not running`);
    }
    this.signal(signal);
  }

  /** Resolves with how the process ended, or undefined if it still runs after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ExitInfo | undefined> {
    if (this.exited) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      });
      try {
        return await Promise.race([this.exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    const gone = await pollUntil(async () => (await procStatus(this.currentPid)) === "exited", timeoutMs);
    return gone ? { code: null, signal: null } : undefined;
  }

  async stop(options: StopOptions): Promise<StopResult> {
    const graceMs = options.graceMs;
    if (!Number.isFinite(graceMs) || graceMs < 0) {
      throw new ValidationError(`stop options for ${this.describe()}`, [
        { path: "graceMs", message: `expected milliseconds (0 or more), found ${graceMs}` },
      ]);
    }
    const started = Date.now();
    if (!(await this.isRunning())) return { forced: false, exitedAfterMs: 0, ...this.exitResult() };
    const paused = (await this.status()) === "paused";
    sendSignal(this.currentPid, options.signal ?? "SIGTERM");
    // A stopped process only sees SIGTERM once continued; resuming also settles an open pause.
    if (paused || this.pauseUndo) await this.resume();
    let exit = await this.waitForExit(graceMs);
    let forced = false;
    if (!exit) {
      forced = true;
      sendSignal(this.currentPid, "SIGKILL");
      exit = await this.waitForExit(KILL_WAIT_MS);
      if (!exit) throw new TimeoutError(`${this.describe()} survived SIGKILL for ${KILL_WAIT_MS} ms`);
    }
    return { forced, exitedAfterMs: Date.now() - started, exitCode: exit.code, exitSignal: exit.signal };
  }

  async pause(): Promise<Undo> {
    if (!(await this.isRunning())) throw new FaultError(`cannot pause ${this.describe()}: it is not running`);
    const pid = this.currentPid;
    this.signal("SIGSTOP");
    if (!(await pollUntil(async () => (await procStatus(pid)) !== "running", 2000))) {
      throw new FaultError(`${this.describe()} did not stop after SIGSTOP`);
    }
    const undo = makeUndo(`resume ${this.describe()} (SIGCONT)`, async () => sendSignal(pid, "SIGCONT"), {
      ledger: this.ledger,
      reap: { kind: "process-paused", pid, startTime: processStartTime(pid) },
    });
    this.pauseUndo = undo;
    return undo;
  }

  async resume(): Promise<void> {
    const undo = this.pauseUndo;
    this.pauseUndo = undefined;
    if (undo) await undo.revert();
    else sendSignal(this.currentPid, "SIGCONT");
  }

  /** Stops the process (gracefully, 5 s unless said otherwise) and starts the same command again. */
  async restart(options: { graceMs?: number } = {}): Promise<void> {
    if (!this.spawnOptions) {
      throw new FaultError(`cannot restart ${this.describe()}: hivestorm did not start it`, {
        hint: "restart it through what started it, or create the target with ProcessTarget.spawn",
      });
    }
    if (await this.isRunning()) await this.stop({ graceMs: options.graceMs ?? 5000 });
    await this.start();
  }

  async oom(options: OomOptions = {}): Promise<OomResult> {
    if (!(await this.isRunning()))
      throw new FaultError(`cannot OOM-kill ${this.describe()}: it is not running`);
    return oomInCgroup({
      ...options,
      id: this.id,
      description: this.describe(),
      pid: this.currentPid,
      waitForExit: (ms) => this.waitForExit(ms),
      ledger: this.ledger,
    });
  }

  private async start(): Promise<void> {
    const o = this.spawnOptions!;
    const child = spawn(o.command, [...(o.args ?? [])], {
      env: o.env ?? process.env,
      cwd: o.cwd,
      stdio: o.stdio ?? "ignore",
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" || error.code === "EACCES") {
          reject(
            new PrerequisiteError(`cannot start process target ${this.id}: ${o.command} (${error.code})`, {
              expected: "an executable on PATH or an absolute path",
              found: o.command,
            }),
          );
        } else reject(error);
      });
    });
    this.child = child;
    this.currentPid = child.pid!;
    this.exitInfo = undefined;
    this.pauseUndo = undefined;
    this.label = [o.command, ...(o.args ?? [])].join(" ");
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  private exitResult(): Pick<StopResult, "exitCode" | "exitSignal"> {
    return this.exitInfo ? { exitCode: this.exitInfo.code, exitSignal: this.exitInfo.signal } : {};
  }

  private signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.currentPid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") {
        throw new FaultError(`cannot send ${signal} to ${this.describe()}: it is not running`);
      }
      throw error;
    }
  }
}

/** Sends a signal, ignoring a pid that is already gone (for undos, which must be idempotent). */
export function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function idProblems(id: unknown): Problem[] {
  if (typeof id === "string" && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(id)) return [];
  return [
    {
      path: "id",
      message: `expected a name such as "worker-1" (letters, digits, . _ -), found ${JSON.stringify(id)}`,
    },
  ];
}
