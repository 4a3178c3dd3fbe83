// The ad-hoc example (examples/adhoc/latency.ts) as a user runs it: a child process on its own ports and ledger.
// It must show the latency it applied; and SIGINT or SIGTERM at any moment (seeded random delays; the seed is
// printed, HIVESTORM_SEED replays it, HIVESTORM_TRIALS runs more) must leave no port open, no process of the
// example alive and no fault in the ledger.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { portOpen, shifted } from "../integration/run-all-child.ts";
import { validate } from "../report/json-schema.ts";

const SCRIPT = "examples/adhoc/latency.ts";
const CONFIG = "examples/adhoc/two-apps.config.ts";
/** HIVESTORM_PORT_OFFSET for the example: this checkout's shift (HIVESTORM_TEST_PORT_SHIFT). */
const OFFSET = shifted(0);
/** examples/adhoc/two-apps.config.ts: app-1's proxy and app, app-2's proxy and app. */
const PORTS = [7400, 7401, 7410, 7411].map((p) => p + OFFSET);
const TRIALS = Number(process.env.HIVESTORM_TRIALS ?? 4);
const SEED = Number(process.env.HIVESTORM_SEED ?? Date.now() % 2 ** 31);
const TIMEOUT_MS = 120_000;

interface ExampleRun {
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

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function runExample(
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

async function assertNothingLeft(run: ExampleRun, what: string): Promise<void> {
  const ports = [...PORTS, ...toxiproxyPort(run)];
  const open = [];
  for (const p of ports) if (await portOpen(p)) open.push(p);
  const detail = `${what}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
  assert.deepEqual(open, [], `ports still open after ${detail}`);
  assert.deepEqual(leftovers(run), [], `processes still alive after ${detail}`);
  assert.equal(existsSync(run.ledger), false, `ledger ${run.ledger} left after ${detail}`);
  assert.deepEqual(readdirSync(run.dir), [], `files left in the ledger's folder after ${detail}`);
}

/** mulberry32: a small seeded generator, so that a failing trial can be replayed with its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

describe(SCRIPT, { skip: process.platform !== "linux" && "reads /proc" }, () => {
  let fullRunMs = 15_000;
  let firstLogMs = 5_000;

  test("runs to the end and prints a p95 that shows the 300 ms it applied", async () => {
    const busy = [];
    for (const p of PORTS) if (await portOpen(p)) busy.push(p);
    assert.deepEqual(
      busy,
      [],
      "the example's ports are free before it starts (HIVESTORM_TEST_PORT_SHIFT moves them)",
    );
    const run = await runExample();
    assert.equal(run.code, 0, `exit code\n${run.stdout}\n${run.stderr}`);
    const m = /(\d+) requests, (\d+) failed, p95 (\d+(?:\.\d+)?) ms/.exec(run.stdout);
    assert.ok(m, `a summary line in ${JSON.stringify(run.stdout)}`);
    assert.ok(Number(m[1]) >= 50, `requests: ${m[1]} (20/s for 5 s)`);
    assert.equal(Number(m[2]), 0, "no request failed: latency slows, it does not break");
    assert.ok(Number(m[3]) >= 300, `p95 ${m[3]} ms includes the 300 ms of latency`);
    assert.ok(run.ledgerSeen, "the fault was in the ledger while it was applied");
    await assertNothingLeft(run, "a run to the end");
    fullRunMs = run.ms;
    firstLogMs = run.firstLogMs ?? firstLogMs;
  });

  test("the same as a scenario passes on the same config, and writes a valid results@2 journal", async () => {
    const reports = mkdtempSync(join(tmpdir(), "hs-adhoc-reports-"));
    dirs.push(reports);
    const run = await runExample({
      argv: ["examples/adhoc/latency-scenario.ts", "--config", CONFIG, "--quick", "--report-dir", reports],
    });
    const [dir] = readdirSync(reports).filter((d) => /^\d{4}-/.test(d));
    assert.ok(dir, `a run directory in ${reports}\n${run.stdout}\n${run.stderr}`);
    const journal = JSON.parse(readFileSync(join(reports, dir, "results.json"), "utf8"));
    const schema = JSON.parse(readFileSync("docs/results.schema.json", "utf8"));
    assert.deepEqual(validate(schema, journal), []);
    const [s] = journal.scenarios;
    // Timing-sensitive: on a loaded machine a latency bound can fail; the reason names the check and its figures.
    assert.deepEqual([s.id, s.verdict, s.reason], ["ADHOC-001", "passed", "all 4 checks held"]);
    assert.equal(run.code, 0, `exit code\n${run.stdout}\n${run.stderr}`);
    assert.equal(s.faults[0].kind, "network-latency");
    await assertNothingLeft(run, "the scenario run");
  });

  test("SIGINT while the testbed starts the second app stops the first one, already running", async () => {
    const run = await runExample({ signal: "SIGINT", onStderrLine: /starting app-2/ });
    assert.ok(
      run.code === 130 || run.code === 0,
      `exit code ${run.code} (signal ${run.signal})\n${run.stderr}`,
    );
    await assertNothingLeft(run, 'SIGINT at "starting app-2"');
  });

  test(`SIGINT or SIGTERM at a random moment leaves nothing behind (${TRIALS} trials, seed ${SEED})`, async (t) => {
    const random = prng(SEED);
    t.diagnostic(
      `seed ${SEED} (HIVESTORM_SEED=${SEED} replays it); a full run took ${fullRunMs} ms, its first log line came at ${firstLogMs} ms`,
    );
    for (let i = 0; i < TRIALS; i++) {
      const signal: NodeJS.Signals = i % 2 === 0 ? "SIGINT" : "SIGTERM";
      const twice = i % 4 === 2;
      // From a while before the testbed's first log line (its signal handlers are in place by then; before them
      // nothing has started) to a little past the end of a full run.
      const from = firstLogMs * 0.7;
      const afterMs = Math.round(from + random() * (fullRunMs * 1.1 - from));
      const run = await runExample({ signal, afterMs, twice });
      const what = `${twice ? "two " : ""}${signal} after ${afterMs} ms (trial ${i}, seed ${SEED})`;
      const finished = run.code === 0;
      const interrupted =
        run.code === (signal === "SIGINT" ? 130 : 143) ||
        // Before the SDK had installed its handlers (nothing started yet) the signal's default action applies.
        run.signal === signal;
      assert.ok(
        finished || interrupted,
        `exit code ${run.code} (signal ${run.signal}) after ${what}\n${run.stderr}`,
      );
      t.diagnostic(
        `${what}: ${finished ? "had finished" : `exit ${run.code ?? run.signal}`}${run.ledgerSeen ? ", fault was applied" : ""}`,
      );
      await assertNothingLeft(run, what);
    }
  });
});
