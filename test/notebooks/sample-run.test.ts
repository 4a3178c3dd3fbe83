import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PROJECT_ROOT } from "../../notebooks/lib/run-select.ts";
import { compactJson, sampleRun } from "../../notebooks/tooling/sample-run.ts";
import { readJournal } from "../../sdk/core/journal.ts";
import { scenarioWindows, timeline, timeToRecover, windowStats } from "../../sdk/report/analysis.ts";

// Journals @2 keep every recorded observation: a quick run of the suite is about 320 KB.
const MAX_BYTES = 400 * 1024;

describe("the committed sample run", () => {
  it("reports/sample is a readable journal under 400 KB", () => {
    const file = join(PROJECT_ROOT, "reports", "sample", "results.json");
    assert.ok(statSync(file).size < MAX_BYTES, `${file} is ${statSync(file).size} bytes`);
    const journal = readJournal(file);
    assert.ok(journal.scenarios.length >= 1);
    // A provisional sample is exactly what the generator writes.
    if (journal.runId === "sample") assert.equal(readFileSync(file, "utf8"), compactJson(sampleRun("head")));
  });

  // The runs themselves are ignored by git; in a checkout, only the README and the sample are tracked.
  const notCheckout = existsSync(join(PROJECT_ROOT, ".git"))
    ? false
    : "not a git checkout: no tracked files to list";
  it("is the only run tracked under reports/, beside its README", { skip: notCheckout }, () => {
    const committed = execFileSync("git", ["ls-files", "reports"], { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.deepEqual(committed.trim().split("\n").sort(), [
      "reports/README.md",
      "reports/sample/results.json",
    ]);
  });
});

describe("sampleRun", () => {
  it("is deterministic, with one failed scenario in head and none in base", () => {
    assert.deepEqual(sampleRun("head"), sampleRun("head"));
    assert.deepEqual(
      sampleRun("head")
        .scenarios.filter((s) => s.verdict === "failed")
        .map((s) => s.id),
      ["WC-001"],
    );
    assert.equal(sampleRun("head").status, "failed");
    assert.equal(sampleRun("base").status, "passed");
    assert.ok(sampleRun("base").startedAt < sampleRun("head").startedAt, "base is the older run");
  });

  it("stores what the analysis functions compute from its samples", () => {
    for (const s of sampleRun("head").scenarios) {
      assert.deepEqual(s.timeline, timeline(s.samples, 1000));
      const ranges = scenarioWindows(s);
      assert.deepEqual(s.windows.during, windowStats(s.samples, ranges.during!.start, ranges.during!.end));
      const ttr = timeToRecover(s.samples, ranges.during!.end, { window: 2000, minSuccessRate: 0.99 });
      if (s.recovery!.recovered) assert.equal(s.recovery!.timeToRecoverMs, Math.round(ttr! * 1000) / 1000);
      else assert.ok(ttr === null || ttr > s.recovery!.deadlineMs);
    }
  });

  it("keeps sample arrays on one line in the JSON", () => {
    const text = compactJson({ a: [1, 2, 3], b: [true, false], c: [{ d: 1 }] });
    assert.match(text, /"a": \[1,2,3\]/);
    assert.match(text, /"b": \[true,false\]/);
    assert.deepEqual(JSON.parse(text), { a: [1, 2, 3], b: [true, false], c: [{ d: 1 }] });
  });
});
