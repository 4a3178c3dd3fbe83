// test: alone (its clean chaos run asks for more than 10 requests in every window: beside another demo the
// background traffic fell behind once in seven runs)
// run-all end to end, as a user runs it: a child process against the demo, through the embedded Toxiproxy.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { chartProblems, probePage } from "../../notebooks/tooling/drawn-marks.ts";
import { CHROMIUM } from "../../notebooks/tooling/headless.ts";
import {
  assertNothingLeft as assertClean,
  type ChildRun,
  demoPorts,
  journalOf,
  runAllChild,
  verdicts,
} from "./run-all-child.ts";

// Ports of their own (8080 + 1500 ...), so that a demo a developer left running does not get in the way.
const OFFSET = 1500;
const PORTS = demoPorts(OFFSET);

const runAll = (args: string[], onStdout?: (text: string, child: ChildProcess) => void) =>
  runAllChild(args, { offset: OFFSET, timeoutMs: 300_000, onStdout });
const assertNothingLeft = (run: ChildRun) => assertClean(run, PORTS);

describe("run-all", { timeout: 900_000 }, () => {
  it("--quick --suite chaos passes every network scenario against the demo and writes the reports", async () => {
    // The network category; the worker and resource scenarios of the chaos suite have tests of their own.
    const run = await runAll([
      "--quick",
      "--suite",
      "chaos",
      "--only",
      "NF-001,NF-002,NF-003,NF-004,NF-005,NF-006",
    ]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const j = journalOf(run);
    assert.equal(j.status, "passed");
    assert.deepEqual(verdicts(j), {
      "NF-001": "passed",
      "NF-002": "passed",
      "NF-003": "passed",
      "NF-004": "passed",
      "NF-005": "passed",
      "NF-006": "passed",
    });
    for (const s of j.scenarios) {
      assert.ok(s.checks.length >= 2 && s.checks.every((c) => c.ok), `${s.id} was judged on checks`);
      assert.ok(
        s.faults.length >= 1 && s.faults.every((f) => f.revertedAt !== undefined),
        `${s.id} fault reverted`,
      );
      assert.ok(s.recovery?.recovered && s.recovery.timeToRecoverMs !== null, `${s.id} recovery measured`);
      assert.ok((s.windows.before?.requests ?? 0) > 10 && (s.windows.during?.requests ?? 0) > 10);
    }
    const nf2 = j.scenarios.find((s) => s.id === "NF-002")!;
    assert.ok(nf2.windows.during!.p95! - nf2.windows.before!.p95! >= 350, "latency was injected");
    const dir = join(run.reportDir, j.runId);
    const report = readFileSync(join(dir, "REPORT.md"), "utf8");
    for (const id of ["NF-001", "NF-005", "NF-006"]) assert.match(report, new RegExp(id));
    assert.match(readFileSync(join(dir, "junit.xml"), "utf8"), /<testsuite[^>]*tests="6"/);
    assert.ok(readdirSync(join(dir, "charts")).some((f) => f.endsWith(".svg")));
    assert.match(readFileSync(join(dir, "run.log"), "utf8"), /===== queen\.jsonl =====/);
    assert.equal(readlinkSync(join(run.reportDir, "latest")), j.runId);
    // The fresh run's report.html, opened from disk in headless Chromium: every chart drawn.
    if (existsSync(CHROMIUM)) {
      const page = await probePage(join(dir, "report.html"));
      assert.deepEqual(chartProblems("report.html of a fresh run", page.charts), []);
      assert.ok(page.charts.length >= 6, `${page.charts.length} charts`);
    }
    await assertNothingLeft(run);
  });

  it("SIGINT mid-fault reverts it, stops everything and writes an interrupted journal", async () => {
    let sent = false;
    const run = await runAll(["--quick", "--only", "NF-002"], (out, child) => {
      if (!sent && /applied latency/.test(out)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    assert.ok(sent, run.stdout);
    assert.equal(run.code, 130, run.stdout + run.stderr);
    const j = journalOf(run);
    assert.equal(j.status, "interrupted");
    assert.ok(j.scenarios.every((s) => s.faults.every((f) => f.revertedAt !== undefined)));
    await assertNothingLeft(run);
  });

  it("--dry-run prints the plan and starts nothing", async () => {
    const run = await runAll(["--dry-run", "--suite", "chaos"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /dry run: nothing is started or applied/);
    assert.match(run.stdout, /NF-002 .*High latency[\s\S]*fault: latency 500ms ± 100ms on @backend/);
    assert.deepEqual(readdirSync(run.reportDir), []);
    await assertNothingLeft(run);
  });

  it("bad flags get one error listing each, exit 2, and nothing runs", async () => {
    const run = await runAll(["--suite", "soak", "--only", "NF-999", "--frobnicate"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--suite: unknown suite "soak"/);
    assert.match(run.stderr, /--frobnicate: unknown flag/);
    assert.deepEqual(readdirSync(run.reportDir), []);
  });
});
