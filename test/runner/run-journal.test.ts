import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { JOURNAL_SCHEMA, type ScenarioResult, type Verdict } from "../../sdk/core/journal.ts";
import { parseRunAllArgs } from "../../sdk/runner/args.ts";
import { RunJournalWriter } from "../../sdk/runner/run-journal.ts";
import type { Testbed } from "../../sdk/testbed/testbed.ts";

const dir = mkdtempSync(join(tmpdir(), "hivestorm-run-journal-"));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function writer(flags: string[] = []) {
  return new RunJournalWriter(join(dir, `run-${++n}`), `run-${n}`, parseRunAllArgs(flags));
}
const onDisk = (w: RunJournalWriter) => JSON.parse(readFileSync(w.file, "utf8"));
const result = (id: string, verdict: Verdict): ScenarioResult =>
  ({
    id,
    verdict,
    reason: verdict,
    notes: [],
    phases: [],
    faults: [],
    checks: [],
    windows: {},
    timeline: [],
  }) as unknown as ScenarioResult;

describe("RunJournalWriter", () => {
  it("writes the journal at once, status running, with the run's options", () => {
    const w = writer(["--suite", "chaos", "--only", "NF-001", "--demo-bug", "no-retry", "--strict"]);
    const j = onDisk(w);
    assert.equal(j.schema, JOURNAL_SCHEMA);
    assert.equal(j.status, "running");
    assert.deepEqual(j.options.suites, ["chaos"]);
    assert.deepEqual(j.options.only, ["NF-001"]);
    assert.deepEqual(j.options.systemFlags, ["no-retry"]);
    assert.equal(j.options.strict, true);
    assert.equal(j.environment.node, process.version);
  });

  it("started() records the Toxiproxy and every service, with the proxied address only when it differs", () => {
    const w = writer();
    const bed = {
      toxiproxy: { url: "http://127.0.0.1:8474", embedded: true, version: "2.x" },
      services: {
        app: { name: "app", url: "http://127.0.0.1:1", clientUrl: "http://127.0.0.1:2", pid: 11 },
        db: { name: "db", url: "http://127.0.0.1:3", clientUrl: "http://127.0.0.1:3" },
      },
    } as unknown as Testbed;
    w.started(bed);
    const j = onDisk(w);
    assert.deepEqual(j.environment.toxiproxy, {
      url: "http://127.0.0.1:8474",
      embedded: true,
      version: "2.x",
    });
    assert.deepEqual(j.services, [
      { name: "app", url: "http://127.0.0.1:1", pid: 11, proxiedUrl: "http://127.0.0.1:2" },
      { name: "db", url: "http://127.0.0.1:3" },
    ]);
  });

  it("add() rewrites the file after every scenario", () => {
    const w = writer();
    w.add(result("A", "passed"));
    assert.deepEqual(
      onDisk(w).scenarios.map((s: ScenarioResult) => s.id),
      ["A"],
    );
    w.add(result("B", "failed"));
    assert.deepEqual(
      onDisk(w).scenarios.map((s: ScenarioResult) => s.id),
      ["A", "B"],
    );
  });

  const finished = (
    verdicts: Verdict[],
    o: { interrupted?: string; error?: string; strict?: boolean } = {},
  ) => {
    const w = writer();
    for (const [i, v] of verdicts.entries()) w.add(result(`S-${i}`, v));
    const status = w.finish({ strict: false, ...o });
    const j = onDisk(w);
    assert.equal(j.status, status, "the file says what finish returned");
    assert.ok(j.endedAt >= j.startedAt);
    return j;
  };

  it("finish: passed when nothing failed or errored; skips pass unless strict", () => {
    assert.equal(finished([]).status, "passed");
    assert.equal(finished(["passed", "skipped"]).status, "passed");
    assert.equal(finished(["passed", "skipped"], { strict: true }).status, "failed");
  });

  it("finish: a failed or errored scenario fails the run", () => {
    assert.equal(finished(["passed", "failed"]).status, "failed");
    assert.equal(finished(["error", "passed"]).status, "failed");
  });

  it("finish: interrupted wins over everything and says by what; a runner error says which", () => {
    const i = finished(["failed"], { interrupted: "SIGINT", error: "boom" });
    assert.equal(i.status, "interrupted");
    assert.equal(i.statusReason, "SIGINT received");
    const e = finished(["passed"], { error: "toxiproxy would not start" });
    assert.equal(e.status, "error");
    assert.equal(e.statusReason, "toxiproxy would not start");
    assert.equal(finished(["failed"]).statusReason, undefined);
  });
});
