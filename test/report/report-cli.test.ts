// scripts/report.ts, run as a user would: rebuilds a run's reports from its results.json alone.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { promisify } from "node:util";
import { writeJournal } from "../../sdk/core/journal.ts";
import { buildJournal } from "./fixtures.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const dir = mkdtempSync(join(tmpdir(), "hivestorm-report-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const report = (...args: string[]) =>
  run(TSX, [join(ROOT, "scripts", "report.ts"), ...args], { cwd: ROOT, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe("scripts/report.ts", () => {
  test("writes REPORT.md, report.html, junit.xml and the charts beside results.json, and prints the summary", async () => {
    const runDir = join(dir, "run-1");
    writeJournal(join(runDir, "results.json"), buildJournal(undefined, "run-1"));
    const r = await report(runDir);
    assert.equal(r.code, 0, r.stderr);
    for (const f of ["REPORT.md", "report.html", "junit.xml"]) assert.ok(existsSync(join(runDir, f)), f);
    assert.deepEqual(readdirSync(join(runDir, "charts")).sort(), [
      "LOAD-inference-load.svg",
      "NF-002.svg",
      "WC-001.svg",
      "recovery.svg",
    ]);
    assert.match(r.stdout, /hivestorm run run-1: FAILED: 2 of 5 scenarios failed/);
    assert.match(r.stdout, /✗ FAILED WC-001: Worker crash during inference\n {6}no 5xx after eviction/);
  });

  test("bad input: one clear error naming it, exit code 2", async () => {
    const none = await report();
    assert.equal(none.code, 2);
    assert.match(none.stderr, /RUN_DIR: expected one run folder, found none/);
    const missing = await report(join(dir, "nope"));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope is invalid \(1 problem\):\n {2}- not readable JSON: ENOENT/);
  });
});
