// Runs scripts/run-all.ts as a user does, as a child process with its own ports (HIVESTORM_PORT_OFFSET), report
// directory and ledger file, and checks afterwards that it left nothing behind. Shared by the integration tests.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunJournal } from "../../sdk/core/journal.ts";

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reportDir: string;
  ledger: string;
}

export interface ChildRunOptions {
  /** Added to every port of hivestorm.config.ts, so that tests and a developer's demo do not collide. */
  offset: number;
  /** Killed (SIGKILL) and failed after this long. */
  timeoutMs: number;
  /** Called with all stdout so far on every chunk (e.g. to send SIGINT at the right moment). */
  onStdout?: (text: string, child: ChildProcess) => void;
  /** What runs, before the arguments; default run-all on this Node through tsx (Deno's `deno run -A FILE`, say). */
  command?: string[];
  /** More environment for the child. */
  env?: Record<string, string>;
}

export function runAllChild(args: string[], o: ChildRunOptions): Promise<ChildRun> {
  const reportDir = mkdtempSync(join(tmpdir(), "hs-runall-"));
  const ledger = join(reportDir, "ledger.json");
  return new Promise((resolve, reject) => {
    const [bin, ...entry] = o.command ?? [process.execPath, "--import", "tsx", "scripts/run-all.ts"];
    const child = spawn(bin, [...entry, "--report-dir", reportDir, ...args], {
      env: {
        ...process.env,
        ...o.env,
        HIVESTORM_PORT_OFFSET: String(shifted(o.offset)),
        HIVESTORM_LEDGER: ledger,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      o.onStdout?.(stdout, child);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`run-all ${args.join(" ")} took over ${o.timeoutMs / 1000} s\n${stdout}\n${stderr}`));
    }, o.timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, reportDir, ledger });
    });
  });
}

/** Each scenario's verdict, by id, in the run's order. */
export function verdicts(j: RunJournal): Record<string, string> {
  return Object.fromEntries(j.scenarios.map((s) => [s.id, s.verdict]));
}

/** The journal of the one run a child made. */
export function journalOf(run: ChildRun): RunJournal {
  const dirs = readdirSync(run.reportDir).filter((d) => /^\d{4}-/.test(d));
  assert.equal(dirs.length, 1, `one run directory in ${run.reportDir}`);
  return JSON.parse(readFileSync(join(run.reportDir, dirs[0], "results.json"), "utf8"));
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** The demo's ports (queen proxy and queen, hive proxy and hive, four workers) shifted by `offset`. */
export function demoPorts(offset: number): number[] {
  return [8080, 8081, 9200, 9201, 9300, 9301, 9302, 9303].map((p) => p + shifted(offset));
}

/** HIVESTORM_TEST_PORT_SHIFT moves every integration test's ports, so that two checkouts can test at once. */
export function shifted(offset: number): number {
  return offset + Number(process.env.HIVESTORM_TEST_PORT_SHIFT ?? 0);
}

/** Every port closed and no fault left in the ledger. */
export async function assertNothingLeft(run: ChildRun, ports: number[]): Promise<void> {
  for (const p of ports) assert.equal(await portOpen(p), false, `port ${p} closed after the run`);
  assert.equal(existsSync(run.ledger), false, "no fault left in the ledger");
}
