// One interface for the things a scenario crashes, pauses and starves: a local process or a container. The
// same worker-crash scenario runs on either; only how the target was found differs.
import type { Undo } from "./undo.ts";

export type TargetKind = "process" | "docker";

/** `paused`: stopped by SIGSTOP or the freezer; `exited`: gone or a zombie; `missing`: never found. */
export type TargetStatus = "running" | "paused" | "exited" | "missing";

export interface StopOptions {
  /** How long the target may take to exit after the first signal before it is killed. */
  graceMs: number;
  /** The polite signal; SIGTERM unless said otherwise. */
  signal?: NodeJS.Signals;
}

export interface StopResult {
  /** True when the grace period ran out and the target was killed with SIGKILL. */
  forced: boolean;
  /** Milliseconds from the first signal until the target was seen gone. */
  exitedAfterMs: number;
  /** How it ended, when known: an exit code, a signal, or neither (a pid we did not start). */
  exitCode?: number | null;
  exitSignal?: NodeJS.Signals | null;
}

export interface OomOptions {
  /**
   * Makes the target allocate (e.g. a request to a debug endpoint). Called once the limit is in place; it may
   * never resolve (the target dies mid-request), so it is not awaited beyond the kill.
   */
  provoke?: () => Promise<unknown> | unknown;
  /** The limit is the target's current usage plus this much (default 32 MiB)... */
  headroomBytes?: number;
  /** ...unless an absolute limit is given. */
  limitBytes?: number;
  /** How long to wait for the kill once provoked (default 30 s). */
  timeoutMs?: number;
}

/** How an OOM kill was produced, and what shows it was a real one. */
export interface OomResult {
  /** The mechanism, for reports: "cgroup-v1-memory-limit", "cgroup-v2-memory-max", "docker-memory-limit". */
  method: string;
  /** One sentence for the report: what was limited, to what, and how the target was made to exceed it. */
  how: string;
  limitBytes: number;
  /** Usage when the limit was set. */
  usageBytes: number;
  /** True when the kernel OOM killer killed the target (counted by the cgroup or reported by Docker). */
  oomKilled: boolean;
  /** Milliseconds from the limit being set to the target being gone. */
  killedAfterMs: number;
  exitCode?: number | null;
  exitSignal?: NodeJS.Signals | null;
  /** Facts read back, one per line: "memory.oom_control oom_kill 0 → 1", "State.OOMKilled true", ... */
  evidence: string[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Target {
  readonly kind: TargetKind;
  /** A stable name for reports, e.g. "worker-1". */
  readonly id: string;
  /** For dry runs and reports, e.g. `process worker-1 (pid 4242, node worker.mjs)`. */
  describe(): string;
  /** The host pid of the target's main process, while it runs. */
  pid(): Promise<number | undefined>;
  status(): Promise<TargetStatus>;
  /** Running or paused: the process exists. */
  isRunning(): Promise<boolean>;
  /** Sends a signal (SIGKILL unless said otherwise); does not wait. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** The polite signal, the grace period, then SIGKILL. */
  stop(options: StopOptions): Promise<StopResult>;
  /** Freezes the target; the returned Undo resumes it (idempotent). */
  pause(): Promise<Undo>;
  resume(): Promise<void>;
  /** Stops (gracefully, with `graceMs`) and starts the target again; only for targets that can be started. */
  restart?(options?: { graceMs?: number }): Promise<void>;
  /** A real kernel OOM kill; throws OomUnsupportedError when this machine cannot produce one. */
  oom(options?: OomOptions): Promise<OomResult>;
  /** Runs a command inside the target (containers). */
  exec?(cmd: string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

export const MiB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
