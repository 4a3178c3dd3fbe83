import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ScenarioResult, Verdict } from "../../sdk/core/journal.ts";
import type { ShutdownReason } from "../../sdk/core/shutdown.ts";
import { parseRunAllArgs } from "../../sdk/runner/args.ts";
import { finishRun } from "../../sdk/runner/finish-run.ts";
import type { Progress } from "../../sdk/runner/progress.ts";
import { RunJournalWriter } from "../../sdk/runner/run-journal.ts";

const result = (id: string, verdict: Verdict, extra: Partial<ScenarioResult> = {}): ScenarioResult =>
  ({
    ...{ id, name: id, suite: "chaos", category: "c", file: `${id}.ts`, expected: "x", verdict },
    ...{ reason: `why ${id}`, startedAt: 0, endedAt: 1, phases: [], faults: [], checks: [], windows: {} },
    ...{ timeline: [], notes: [] },
    ...extra,
  }) as ScenarioResult;

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
    assert.match(r.printed, /PASSED: 1 of 2 scenarios passed, 1 skipped/);
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
