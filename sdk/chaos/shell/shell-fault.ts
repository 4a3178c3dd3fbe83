// A fault made of two shell commands: one that breaks something (stop a systemd unit, `docker compose stop`,
// `kubectl scale --replicas 0`) and one that puts it back. The revert is in the ledger like any fault's, so it
// also runs on Ctrl-C and from scripts/reap.ts after a killed run. Both commands run in the testbed's folder.
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { $, which } from "zx";
import type { Duration } from "../../core/duration.ts";
import { FaultError, type Problem } from "../../core/errors.ts";
import { type ChaosContext, chaosContext } from "../context.ts";
import { type Applied, applyFault, applyFor, type FaultHandle, type FaultSpec } from "../fault.ts";

export class ShellFault implements FaultSpec {
  readonly kind = "shell";

  constructor(
    readonly run: string,
    readonly revertCmd: string,
  ) {}

  validate(): Problem[] {
    const p: Problem[] = [];
    if (typeof this.run !== "string" || !this.run.trim())
      p.push({ path: "run", message: "expected the command that applies the fault" });
    if (typeof this.revertCmd !== "string" || !this.revertCmd.trim())
      p.push({ path: "revert", message: "expected the command that reverts it: every fault is reverted" });
    return p;
  }

  /** Dry runs: each command's program exists (on PATH, or as a file in the project folder). */
  planProblems(_system: unknown, cwd = process.cwd()): Problem[] {
    const out: Problem[] = [];
    for (const [path, cmd] of [
      ["run", this.run],
      ["revert", this.revertCmd],
    ] as const) {
      const prog = programOf(cmd);
      if (prog && !programExists(prog, cwd))
        out.push({ path, message: `${prog}: no such command (not on PATH, not a file in ${cwd})` });
    }
    return out;
  }

  describe(): string {
    return `shell: ${this.run} (revert: ${this.revertCmd})`;
  }

  target(): string {
    return "";
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, run: this.run, revert: this.revertCmd };
  }

  apply(ctx?: ChaosContext): Promise<FaultHandle> {
    return applyFault(this, ctx ?? chaosContext());
  }

  for(duration: Duration, ctx?: ChaosContext): Promise<{ appliedAt: number; revertedAt: number }> {
    return applyFor(this, duration, ctx ?? chaosContext());
  }

  async applyRaw(ctx: ChaosContext): Promise<Applied> {
    const cwd = ctx.cwd ?? process.cwd();
    const sh = (cmd: string) => $({ cwd, quiet: true, nothrow: true })`sh -c ${cmd}`;
    const out = await sh(this.run);
    if (out.exitCode !== 0) {
      // Whatever the command did before failing is put back.
      await sh(this.revertCmd);
      throw new FaultError(`the fault command failed (exit ${out.exitCode}): ${this.run}`, {
        found: out.stdall.trim().slice(-500) || "no output",
      });
    }
    return {
      revert: async () => {
        const r = await sh(this.revertCmd);
        if (r.exitCode !== 0)
          throw new FaultError(`the revert command failed (exit ${r.exitCode}): ${this.revertCmd}`, {
            found: r.stdall.trim().slice(-500) || "no output",
          });
      },
      reap: { kind: "shell", cmd: this.revertCmd, cwd },
    };
  }
}

/** The program a command line starts: its first word after any VAR=value assignments. */
export function programOf(cmd: string): string | undefined {
  return cmd
    .trim()
    .split(/\s+/)
    .find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
}

const SHELL_WORDS = new Set([
  "cd",
  "echo",
  "exit",
  "export",
  "set",
  "test",
  "[",
  "true",
  "false",
  "sleep",
  "exec",
]);

function programExists(prog: string, cwd: string): boolean {
  if (SHELL_WORDS.has(prog)) return true;
  if (prog.includes("/")) return existsSync(isAbsolute(prog) ? prog : resolve(cwd, prog));
  return which.sync(prog, { nothrow: true }) !== null;
}
