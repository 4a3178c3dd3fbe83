// The SDK under Deno (`npm run test:deno`): a scenario file alone and run-all, each started with `deno run -A`
// (Deno from npm) against the demo, and a Ctrl-C in the middle of a run; none may leave a process, a port or a
// ledger entry behind. The demo's services run on Node either way (nodeBinary). What is judged is that Deno
// carries a run through: every scenario reaches a verdict on its checks, its faults applied and reverted. Whether
// the demo met a latency bound on this machine is the demo's result, not Deno's (on a crowded machine NF-002's
// p95 or NF-006's can miss theirs under either runtime): the verdicts are printed, a pass is not required.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it, type TestContext } from "node:test";
import {
  assertNothingLeft,
  type ChildRun,
  demoPorts,
  journalOf,
  runAllChild,
} from "../integration/run-all-child.ts";
import { markedProcesses } from "./interrupt-trials.ts";

const DENO = resolve("node_modules/.bin/deno");
const OFFSET = 650;
const PORTS = demoPorts(OFFSET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `deno run -A FILE ARGS…` as run-all-child runs Node, with a marker in every process it starts. */
function underDeno(
  file: string,
  args: string[],
  label: string,
  onStdout?: (text: string, child: ChildProcess) => void,
) {
  const marker = `${label}-${process.pid}`;
  const run = runAllChild(args, {
    offset: OFFSET,
    timeoutMs: 300_000,
    command: [DENO, "run", "-A", file],
    env: { HIVESTORM_DENO_TEST: marker, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    onStdout,
  });
  return { run, marker: `HIVESTORM_DENO_TEST=${marker}` };
}

/** Nothing left: ports, ledger, and (polled: the watchdog and the services take a moment) every process. */
async function assertClean(run: ChildRun, marker: string): Promise<void> {
  await assertNothingLeft(run, PORTS);
  const t0 = Date.now();
  let left = markedProcesses(marker);
  while (left.length && Date.now() - t0 < 15_000) {
    await sleep(200);
    left = markedProcesses(marker);
  }
  const cmd = (p: number) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, "utf8").replaceAll("\0", " ");
    } catch {
      return "(gone)";
    }
  };
  assert.deepEqual(
    left.map((p) => `${p}: ${cmd(p)}`),
    [],
    "no process of the run left",
  );
}

/** Every scenario judged on its checks (passed or failed, not error or skipped), every fault reverted. */
function assertJudged(run: ChildRun, ids: string[], t: TestContext): void {
  const j = journalOf(run);
  assert.ok(run.code === 0 || run.code === 1, `exit 0 or 1 (a verdict), got ${run.code}: ${run.stderr}`);
  assert.deepEqual(
    j.scenarios.map((s) => s.id),
    ids,
  );
  for (const s of j.scenarios) {
    t.diagnostic(`${s.id}: ${s.verdict}${s.reason ? ` (${s.reason})` : ""}`);
    assert.ok(s.verdict === "passed" || s.verdict === "failed", `${s.id} judged: ${s.verdict} ${s.reason}`);
    assert.ok(s.checks.length >= 2 && s.checks.every((c) => c.observed !== undefined), `${s.id} checks`);
    assert.equal(
      s.verdict === "passed",
      s.checks.every((c) => c.ok),
      `${s.id}: its verdict is its checks'`,
    );
    assert.ok(s.faults.length && s.faults.every((f) => f.revertedAt !== undefined), `${s.id} reverted`);
  }
}

const runLog = (run: ChildRun) => readFileSync(join(run.reportDir, journalOf(run).runId, "run.log"), "utf8");

describe("the SDK under Deno", { timeout: 900_000 }, () => {
  it("a scenario file alone: deno run -A scenarios/network/nf-002-latency.ts --quick", async (t) => {
    const { run: running, marker } = underDeno("scenarios/network/nf-002-latency.ts", ["--quick"], "file");
    const run = await running;
    assertJudged(run, ["NF-002"], t);
    // The services ran on Node, not on Deno's node shim.
    assert.match(runLog(run), /starting hive: \S*\/node --import tsx demo\/rbee\/hive\.ts/);
    await assertClean(run, marker);
  });

  it("run-all: deno run -A scripts/run-all.ts --quick --suite chaos (a JSON scenario, a process fault)", async (t) => {
    const { run: running, marker } = underDeno(
      "scripts/run-all.ts",
      ["--quick", "--suite", "chaos", "--only", "NF-006,WC-001"],
      "run-all",
    );
    const run = await running;
    assertJudged(run, ["NF-006", "WC-001"], t);
    assert.match(runLog(run), /WC-001: hit process worker-\d+ \(pid \d+/, "the process fault hit a worker");
    await assertClean(run, marker);
  });

  it("Ctrl-C under Deno: the run is interrupted, its fault reverted, everything stopped (exit 130)", async () => {
    let sent = false;
    const { run: running, marker } = underDeno(
      "scripts/run-all.ts",
      ["--quick", "--suite", "chaos", "--only", "NF-006"],
      "sigint",
      (text, child) => {
        if (sent || !/NF-006: applied /.test(text)) return;
        sent = true;
        child.kill("SIGINT");
      },
    );
    const run = await running;
    assert.ok(sent, `the fault was applied: ${run.stdout}`);
    assert.equal(run.code, 130, run.stdout + run.stderr);
    const s = journalOf(run).scenarios.find((x) => x.id === "NF-006")!;
    assert.equal(s.verdict, "interrupted");
    assert.ok(
      s.faults.every((f) => f.revertedAt !== undefined),
      "the fault was reverted",
    );
    await assertClean(run, marker);
  });
});
