import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { RunJournal, ScenarioResult, Verdict } from "../../sdk/core/journal.ts";
import type { ShutdownReason } from "../../sdk/core/shutdown.ts";
import { parseRunAllArgs } from "../../sdk/runner/args.ts";
import { finishRun, formatSummary } from "../../sdk/runner/finish-run.ts";
import type { Progress } from "../../sdk/runner/progress.ts";
import { RunJournalWriter } from "../../sdk/runner/run-journal.ts";

const result = (id: string, verdict: Verdict, extra: Partial<ScenarioResult> = {}): ScenarioResult =>
  ({
    ...{ id, name: id, suite: "chaos", category: "c", file: `${id}.ts`, expected: "x", verdict },
    ...{ reason: `why ${id}`, startedAt: 0, endedAt: 1, phases: [], faults: [], checks: [], windows: {} },
    ...{ timeline: [], notes: [] },
    ...extra,
  }) as ScenarioResult;

const journal = (status: RunJournal["status"], scenarios: ScenarioResult[], statusReason?: string) =>
  ({ status, statusReason, scenarios }) as RunJournal;

describe("formatSummary", () => {
  it("counts every verdict, lists failed and errored before skipped, and says where the reports are", () => {
    const text = formatSummary(
      journal("failed", [
        result("S-1", "skipped", { enable: "sudo" }),
        result("P-1", "passed"),
        result("E-1", "error"),
        result("F-1", "failed"),
        result("S-2", "skipped"),
        result("F-2", "failed"),
      ]),
      "reports/r1",
    );
    const lines = text.split("\n");
    assert.equal(lines[1], "Run FAILED: 1 passed, 2 failed, 1 errored, 2 skipped");
    assert.deepEqual(lines.slice(2, 7), [
      "  failed F-1: why F-1",
      "  failed F-2: why F-2",
      "  error E-1: why E-1",
      "  skipped S-1: why S-1 (enable: sudo)",
      "  skipped S-2: why S-2",
    ]);
    assert.doesNotMatch(text, /P-1/, "passed scenarios are only counted");
    assert.match(text, /Report: {4}reports\/r1\/REPORT\.md\nJournal: {3}reports\/r1\/results\.json\n/);
  });

  it("shows the status reason and interrupted scenarios", () => {
    const text = formatSummary(
      journal("interrupted", [result("I-1", "interrupted")], "SIGINT received"),
      "r",
    );
    assert.match(
      text,
      /^Run INTERRUPTED \(SIGINT received\): 0 passed, 0 failed, 0 errored, 0 skipped, 1 interrupted$/m,
    );
    assert.match(text, /^ {2}interrupted I-1: why I-1$/m);
  });

  it("lists every restoration: which service, after which scenario, why, and whether it came back", () => {
    const text = formatSummary(
      journal("passed", [
        result("WC-001", "passed", {
          restorations: [
            { service: "worker", why: "its process (pid 7) exited", ok: true },
            { service: "hive", why: "answered 503", ok: false, error: "port in use" },
          ],
        }),
        result("WC-002", "passed"),
      ]),
      "r",
    );
    assert.match(text, /^ {2}restarted worker after WC-001: its process \(pid 7\) exited$/m);
    assert.match(text, /^ {2}could not restart hive after WC-001: answered 503$/m);
  });
});

describe("finishRun", () => {
  const root = mkdtempSync(join(tmpdir(), "hivestorm-finish-run-"));
  after(() => rmSync(root, { recursive: true, force: true }));
  const progress = { close: () => {}, log: () => {} } as unknown as Progress;
  // A service that logs outside the log folder: its file is collected too.
  const declaredLog = join(root, "db.log");
  writeFileSync(declaredLog, "db says hello\n");
  const system = {
    name: "s",
    services: { db: { url: "http://127.0.0.1:1", logFiles: [declaredLog] } },
    traffic: { service: "db", path: "/" },
  };

  function finish(verdicts: Verdict[], o: { interrupted?: ShutdownReason } = {}) {
    const args = parseRunAllArgs(["--report-dir", "reports"]);
    const runId = `run-${Math.random().toString(36).slice(2)}`;
    const runDir = join(root, "reports", runId);
    const logDir = join(runDir, "logs");
    mkdirSync(logDir, { recursive: true });
    writeFileSync(join(logDir, "app.out.log"), "app says hello\n");
    const w = new RunJournalWriter(runDir, runId, args);
    for (const [i, v] of verdicts.entries()) w.add(result(`S-${i}`, v));
    w.finish({ strict: false, interrupted: o.interrupted });
    const logs: string[] = [];
    const write = process.stdout.write;
    let printed = "";
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      const r = finishRun(
        { root, runId, runDir, logDir, system, selected: [], skips: new Map() },
        w.journal,
        {
          ...{ args, progress, log: (l: string) => logs.push(l), interrupted: o.interrupted },
        },
      );
      return { ...r, printed, logs, runDir };
    } finally {
      process.stdout.write = write;
    }
  }

  it("exit code 0 when passed, with reports, the services' logs in run.log and reports/latest", () => {
    const r = finish(["passed", "skipped"]);
    assert.equal(r.exitCode, 0);
    assert.deepEqual(r.logs, [], "no report failed to write");
    assert.ok(existsSync(join(r.runDir, "REPORT.md")));
    assert.match(
      readFileSync(join(r.runDir, "run.log"), "utf8"),
      /===== app\.out\.log =====\napp says hello/,
    );
    assert.ok(r.journal?.artifacts.includes("REPORT.md"));
    assert.ok(existsSync(join(root, "reports", "latest", "results.json")));
    assert.match(r.printed, /Run PASSED: 1 passed/);
  });

  it("exit code 1 when a scenario failed or errored", () => {
    assert.equal(finish(["passed", "failed"]).exitCode, 1);
    assert.equal(finish(["error"]).exitCode, 1);
  });

  it("exit code 130 after SIGINT and 143 after SIGTERM", () => {
    assert.equal(finish(["passed"], { interrupted: "SIGINT" }).exitCode, 130);
    assert.equal(finish(["passed"], { interrupted: "SIGTERM" }).exitCode, 143);
  });
});
