// ctx.$ end to end: a scenario whose fault window is shell steps (test/integration/fixtures/shell-steps), run by
// run-all against the demo. It passes with its commands in run.log and the journal; a SIGINT in the middle of
// its long command, and a SIGKILL of the runner (the dead-man switch, then scripts/reap.ts), leave nothing
// behind: the undo ran, no process of the run or of the command's group is left, the ledger is settled.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { markedProcesses } from "../e2e/interrupt-trials.ts";
import { assertNothingLeft, type ChildRun, demoPorts, journalOf, runAllChild } from "./run-all-child.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const OFFSET = 250;
const PORTS = demoPorts(OFFSET);
const FIXTURES = "test/integration/fixtures/shell-steps";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One run of the fixture; its state file, the sleep it holds open, and a marker in every process it starts. */
function shellRun(label: string, sleepFor: string, onStdout?: Parameters<typeof runAllChild>[1]["onStdout"]) {
  const dir = mkdtempSync(join(tmpdir(), "hs-shell-steps-"));
  const state = join(dir, "state");
  const marker = `HIVESTORM_SHELL_TEST=${label}-${process.pid}`;
  // Inherited by the runner and everything it starts (ctx.$ commands included): how leftovers are found.
  process.env.HIVESTORM_SHELL_TEST = marker.split("=")[1];
  process.env.HIVESTORM_SHELL_STATE = state;
  process.env.HIVESTORM_SHELL_SLEEP = sleepFor;
  const run = runAllChild(["--quick", "--no-builtin", "--scenarios", FIXTURES], {
    offset: OFFSET,
    timeoutMs: 240_000,
    onStdout,
  });
  return { run, state, marker };
}

/** Polls until no process carries `marker` (the run's stop and the watchdog take their time on a busy machine). */
async function processesLeft(marker: string, withinMs: number): Promise<string[]> {
  const t0 = Date.now();
  let left = markedProcesses(marker);
  while (left.length && Date.now() - t0 < withinMs) {
    await sleep(200);
    left = markedProcesses(marker);
  }
  return left.map((p) => {
    try {
      return `${p}: ${readFileSync(`/proc/${p}/cmdline`, "utf8").replaceAll("\0", " ")}`;
    } catch {
      return `${p}: (gone)`;
    }
  });
}

/** Once the step's long command is running (a shell and its sleep, in the marked environment), `act`. */
function whenHolding(sleepFor: string, act: (run: { kill(sig: NodeJS.Signals): boolean }) => void) {
  let sent = false;
  return (text: string, child: { kill(sig: NodeJS.Signals): boolean }) => {
    if (sent || !text.includes(`$ sleep ${sleepFor} & wait`)) return;
    sent = true;
    void (async () => {
      // The log line comes as the command is spawned: wait until its sleep is there to be left behind.
      for (let i = 0; i < 100 && !pgrep(`sleep ${sleepFor}`).length; i++) await sleep(100);
      act(child);
    })();
  };
}

const pgrep = (cmdline: string): string[] =>
  spawnSync("pgrep", ["-fx", cmdline], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);

const stepsRecorded = (run: ChildRun) => journalOf(run).scenarios.find((s) => s.id === "SH-001")!;

describe("ctx.$ in a scenario, end to end", { timeout: 900_000 }, () => {
  it("passes; every command is in run.log and the journal; the undo ran at the end of the window", async () => {
    const { run: running, state, marker } = shellRun("pass", "1");
    const run = await running;
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const s = stepsRecorded(run);
    assert.equal(s.verdict, "passed", s.reason);
    const cmds = (s.commands ?? []).map((c) => [c.cmd, c.exitCode]);
    assert.deepEqual(cmds, [
      [`echo applied > ${state}`, 0],
      [`cat ${state}`, 0],
      ["sleep 1 & wait", 0],
      [`rm ${state}`, 0],
    ]);
    assert.ok((s.commands ?? []).every((c) => c.durationMs >= 0 && c.at > 0));
    const log = readFileSync(join(run.reportDir, journalOf(run).runId, "run.log"), "utf8");
    for (const line of [
      `SH-001: $ echo applied > ${state}`,
      "SH-001:   applied", // cat's output
      `SH-001: $ cat ${state}: exit 0`,
      `SH-001: $ rm ${state} (revert): exit 0`,
    ])
      assert.ok(log.includes(line), `run.log has ${JSON.stringify(line)}`);
    assert.equal(existsSync(state), false, "the undo removed the state file");
    assert.deepEqual(await processesLeft(marker, 10_000), []);
    await assertNothingLeft(run, PORTS);
  });

  it("SIGINT during the long command: interrupted, the undo ran, the command's group killed, nothing left", async () => {
    const hold = "611.5";
    const {
      run: running,
      state,
      marker,
    } = shellRun(
      "sigint",
      hold,
      whenHolding(hold, (c) => c.kill("SIGINT")),
    );
    const run = await running;
    assert.equal(run.code, 130, run.stdout + run.stderr);
    const s = stepsRecorded(run);
    assert.equal(s.verdict, "interrupted", s.reason);
    assert.ok(
      (s.commands ?? []).some((c) => c.cmd === `rm ${state}` && c.exitCode === 0),
      "the undo is in the journal",
    );
    assert.equal(existsSync(state), false, "the undo removed the state file");
    assert.deepEqual(pgrep(`sleep ${hold}`), [], "the command's child is gone with its group");
    assert.deepEqual(await processesLeft(marker, 10_000), []);
    await assertNothingLeft(run, PORTS);
  });

  it("SIGKILL of the runner: the dead-man switch runs the undo and stops the command's group; reap.ts finds nothing", async () => {
    const hold = "612.5";
    const {
      run: running,
      state,
      marker,
    } = shellRun(
      "sigkill",
      hold,
      whenHolding(hold, (c) => c.kill("SIGKILL")),
    );
    const run = await running;
    assert.equal(run.code, null, "killed");
    // The watchdog's bound is 2 s for processes; the undo (a shell command) follows. Generous on a busy machine.
    assert.deepEqual(await processesLeft(marker, 30_000), []);
    assert.deepEqual(pgrep(`sleep ${hold}`), [], "the command's child is gone with its group");
    assert.equal(existsSync(state), false, "the watchdog ran the undo");
    assert.equal(existsSync(run.ledger), false, "the watchdog settled the ledger");
    const reap = spawnSync(process.execPath, ["--import", "tsx", "scripts/reap.ts", "--ledger", run.ledger], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(reap.status, 0, reap.stdout + reap.stderr);
    await assertNothingLeft(run, PORTS);
  });
});
