// The ad-hoc example (examples/adhoc/latency.ts) run as a user runs it, a child process on its own ports and
// ledger, and what such a run may leave behind: shared by test/examples/adhoc.test.ts and the random interrupts
// of test/e2e/adhoc-interrupts.test.ts.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { portOpen, shifted } from "../integration/run-all-child.ts";

export const SCRIPT = "examples/adhoc/latency.ts";
export const CONFIG = "examples/adhoc/two-apps.config.ts";
/** HIVESTORM_PORT_OFFSET for the example: this checkout's shift (HIVESTORM_TEST_PORT_SHIFT). */
export const OFFSET = shifted(0);
/** examples/adhoc/two-apps.config.ts: app-1's proxy and app, app-2's proxy and app. */
export const PORTS = [7400, 7401, 7410, 7411].map((p) => p + OFFSET);
const TIMEOUT_MS = 120_000;

export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** When the testbed logged its first line (the Toxiproxy is up), ms from the start; undefined if it never did. */
  firstLogMs?: number;
  /** Whether the ledger file existed at some moment of the run (a fault was applied). */
  ledgerSeen: boolean;
  ledger: string;
  dir: string;
  /** Marks the example's processes (its Toxiproxy, its apps): they inherit it through the environment. */
  tag: string;
}

/** Folders removed when the test file ends. */
export const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

export function runExample(
  o: {
    signal?: NodeJS.Signals;
    afterMs?: number;
    twice?: boolean;
    onStderrLine?: RegExp;
    /** Another script of the example, with its arguments. */
    argv?: string[];
  } = {},
): Promise<ExampleRun> {
  const dir = mkdtempSync(join(tmpdir(), "hs-adhoc-"));
  dirs.push(dir);
  const ledger = join(dir, "ledger.json");
  const tag = `hs-adhoc-${process.pid}-${dirs.length}`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // The example's own embedded Toxiproxy, whatever the developer's shell points at.
    const { TOXIPROXY_URL: _, ...env } = process.env;
    const child = spawn(process.execPath, ["--import", "tsx", ...(o.argv ?? [SCRIPT])], {
      env: {
        ...env,
        HIVESTORM_PORT_OFFSET: String(OFFSET),
        HIVESTORM_LEDGER: ledger,
        HIVESTORM_TEST_TAG: tag,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let ledgerSeen = false;
    let firstLogMs: number | undefined;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      firstLogMs ??= Date.now() - started;
      // A signal at a chosen moment of the testbed's own log, instead of after a delay.
      if (o.onStderrLine?.test(stderr) && child.signalCode === null && child.exitCode === null) {
        o.onStderrLine = undefined;
        child.kill(o.signal);
      }
    });
    const poll = setInterval(() => {
      ledgerSeen ||= existsSync(ledger);
    }, 20);
    // `twice`: the impatient user's second Ctrl-C, while the first one's cleanup runs; it must not cut it short.
    const send = () => child.exitCode === null && child.signalCode === null && child.kill(o.signal);
    const kill =
      o.signal && !o.onStderrLine
        ? setTimeout(() => {
            send();
            if (o.twice) setTimeout(send, 50);
          }, o.afterMs ?? 0)
        : undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${SCRIPT} took over ${TIMEOUT_MS / 1000} s\n${stdout}\n${stderr}`));
    }, TIMEOUT_MS);
    child.on("exit", (code, signal) => {
      for (const t of [poll, kill, timer]) clearTimeout(t);
      const ms = Date.now() - started;
      resolve({ code, signal, stdout, stderr, ms, firstLogMs, ledgerSeen, ledger, dir, tag });
    });
  });
}

/** Processes (other than this one) whose environment carries the tag, or whose command line is an app of ours. */
function leftovers(run: ExampleRun): string[] {
  const out: string[] = [];
  const ownPorts = PORTS.map(String);
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    const read = (f: string) => {
      try {
        return readFileSync(`/proc/${pid}/${f}`, "utf8");
      } catch {
        return "";
      }
    };
    const cmd = read("cmdline").split("\0").filter(Boolean);
    const ours =
      read("environ").split("\0").includes(`HIVESTORM_TEST_TAG=${run.tag}`) ||
      (cmd.some((a) => a.endsWith("examples/adhoc/app.mjs")) && cmd.some((a) => ownPorts.includes(a)));
    if (ours) out.push(`pid ${pid}: ${cmd.join(" ")}`);
  }
  return out;
}

/** The embedded Toxiproxy's API port, from the testbed's log line (when it got that far). */
function toxiproxyPort(run: ExampleRun): number[] {
  const m = /toxiproxy embedded \S+ at http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stderr);
  return m ? [Number(m[1])] : [];
}

/** The dead-man switch's bound (docs/cleanup.md) and a margin: a signal that lands before the script's handlers
 * are installed ends it by the default action, and the watchdog then settles the ledger within that bound. */
const DEAD_MAN_BOUND_MS = 3000;

export async function assertNothingLeft(run: ExampleRun, what: string): Promise<void> {
  const ports = [...PORTS, ...toxiproxyPort(run)];
  const open: number[] = [];
  for (const deadline = Date.now() + DEAD_MAN_BOUND_MS; ; ) {
    open.length = 0;
    for (const p of ports) if (await portOpen(p)) open.push(p);
    if ((open.length === 0 && leftovers(run).length === 0) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const detail = `${what}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  assert.deepEqual(open, [], `ports still open after ${detail}`);
  assert.deepEqual(leftovers(run), [], `processes still alive after ${detail}`);
  assert.equal(existsSync(run.ledger), false, `ledger ${run.ledger} left after ${detail}`);
  assert.deepEqual(readdirSync(run.dir), [], `files left in the ledger's folder after ${detail}`);
}

/** mulberry32: a small seeded generator, so that a failing trial can be replayed with its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
