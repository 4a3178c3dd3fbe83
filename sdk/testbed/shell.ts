// zx's `$`, bound to a run: the system's folder and environment, every command's output into the run's log
// and its line (command, exit code, duration) to whoever records it, killed with its process tree when the run is
// interrupted. `$.undo` registers a command as the revert of a step: it runs at the end of the scenario (or the
// testbed), on Ctrl-C, and from the ledger (scripts/reap.ts) if the run is killed.
import { $, type ProcessOutput } from "zx";
import type { CleanupLedger } from "../core/ledger.ts";
import { once } from "../core/once.ts";
import { processStartTime } from "../core/process-identity.ts";

export interface CommandRecord {
  cmd: string;
  /** Epoch ms. */
  at: number;
  durationMs: number;
  /** null when killed by a signal. */
  exitCode: number | null;
  signal?: string | null;
}

export interface ShellUndo extends AsyncDisposable {
  readonly cmd: string;
  /** Runs the command now (once); the ledger entry is settled. */
  revert(): Promise<void>;
}

export interface RunShell {
  (pieces: TemplateStringsArray, ...args: unknown[]): Promise<ProcessOutput>;
  /** Registers `cmd` as the revert of a step; returns its handle (`await using` runs it at the block's end). */
  undo(pieces: TemplateStringsArray, ...args: unknown[]): ShellUndo;
}

export interface ShellOptions {
  cwd: string;
  env?: Record<string, string>;
  signal: AbortSignal;
  log: (line: string) => void;
  ledger: CleanupLedger;
  /** Every command once it ended. */
  onCommand?: (r: CommandRecord) => void;
}

/** A `$` bound to a run's folder, environment, abort signal, log and ledger. */
export function boundShell(o: ShellOptions): RunShell {
  // Its own process group: an interrupt kills the command and everything it started (a `&` job included).
  const options = {
    cwd: o.cwd,
    env: { ...process.env, ...o.env },
    quiet: true,
    signal: o.signal,
    detached: true,
  };
  const run = async (pieces: TemplateStringsArray, ...args: unknown[]): Promise<ProcessOutput> => {
    const p = $(options)(pieces, ...args);
    const at = Date.now();
    o.log(`$ ${p.cmd}`);
    // Its group is in the ledger while it runs, so that a run killed outright leaves no command behind either
    // (the watchdog stops the group like a service's).
    const pid = p.pid;
    const ledgerId =
      pid === undefined
        ? undefined
        : o.ledger.add({
            description: `$ ${p.cmd} (process group ${pid})`,
            revert: async () => {
              try {
                process.kill(-pid, "SIGKILL");
              } catch {
                // already ended
              }
            },
            reap: { kind: "process", pid, startTime: processStartTime(pid), group: true, command: p.cmd },
          });
    const done = (out: ProcessOutput) => {
      for (const line of out.stdall.split("\n").filter(Boolean)) o.log(`  ${line}`);
      const r = { cmd: p.cmd, at, durationMs: Date.now() - at, exitCode: out.exitCode, signal: out.signal };
      o.log(`$ ${p.cmd}: exit ${r.exitCode ?? r.signal} in ${r.durationMs} ms`);
      o.onCommand?.(r);
    };
    try {
      const out = await p;
      done(out);
      return out;
    } catch (error) {
      if (isOutput(error)) done(error);
      else o.onCommand?.({ cmd: p.cmd, at, durationMs: Date.now() - at, exitCode: null });
      throw error;
    } finally {
      if (ledgerId) o.ledger.settle(ledgerId);
    }
  };
  const undo = (pieces: TemplateStringsArray, ...args: unknown[]): ShellUndo => {
    // Built halted (never started): only its text is kept; the revert runs it.
    const text = $({ ...options, signal: undefined, halt: true })(pieces, ...args).cmd;
    const revert = once(async () => {
      // A revert runs even when the run is being interrupted: that is when it matters most.
      const out = await $({ ...options, signal: undefined, nothrow: true })`sh -c ${text}`;
      o.log(`$ ${text} (revert): exit ${out.exitCode}`);
      o.onCommand?.({
        cmd: text,
        at: Date.now() - (out.duration ?? 0),
        durationMs: out.duration ?? 0,
        exitCode: out.exitCode,
      });
      o.ledger.settle(id);
      if (out.exitCode !== 0) throw new Error(`revert command failed (exit ${out.exitCode}): ${text}`);
    });
    const id = o.ledger.add({
      description: `$ ${text}`,
      revert,
      reap: { kind: "shell", cmd: text, cwd: o.cwd },
    });
    return { cmd: text, revert, [Symbol.asyncDispose]: revert };
  };
  return Object.assign(run, { undo });
}

function isOutput(x: unknown): x is ProcessOutput {
  return typeof x === "object" && x !== null && "stdall" in x && "exitCode" in x;
}
