import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  chooseBase,
  chooseRun,
  describeChoice,
  lastGoodRun,
  PROJECT_ROOT,
} from "../../notebooks/lib/run-select.ts";
import { sampleRun } from "../../notebooks/tooling/sample-run.ts";
import type { RunJournal } from "../../sdk/core/journal.ts";

const dir = mkdtempSync(join(tmpdir(), "hivestorm-run-select-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function writeRun(name: string, patch: Partial<RunJournal>): string {
  const journal = { ...sampleRun("base"), scenarios: [], ...patch, runId: name };
  mkdirSync(join(dir, name), { recursive: true });
  const file = join(dir, name, "results.json");
  writeFileSync(file, JSON.stringify(journal));
  return file;
}

describe("chooseRun", () => {
  it("takes an explicit choice over HIVESTORM_RUN, and HIVESTORM_RUN over the default", () => {
    const a = writeRun("a", { startedAt: 1000 });
    const b = writeRun("b", { startedAt: 2000 });
    assert.equal(chooseRun(join(dir, "a"), { HIVESTORM_RUN: b }).file, a);
    assert.equal(chooseRun(join(dir, "a"), { HIVESTORM_RUN: b }).source, "argument");
    const fromEnv = chooseRun(undefined, { HIVESTORM_RUN: join(dir, "b") });
    assert.equal(fromEnv.file, b);
    assert.equal(fromEnv.source, "env");
    assert.match(describeChoice(fromEnv), /\(from HIVESTORM_RUN\)$/);
    assert.equal(fromEnv.journal.runId, "b");
  });

  it("falls back to reports/latest when it exists, else to the committed sample", () => {
    const chosen = chooseRun(undefined, {});
    assert.ok(chosen.source === "latest" || chosen.source === "sample", chosen.source);
    if (chosen.source === "sample")
      assert.equal(chosen.file, join(PROJECT_ROOT, "reports", "sample", "results.json"));
  });

  it("resolves relative paths from the project root, whatever the working directory", () => {
    const chosen = chooseRun("reports/sample");
    assert.equal(chosen.file, join(PROJECT_ROOT, "reports", "sample", "results.json"));
  });

  it("names the file when it is not a hivestorm journal", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ schema: "other@1" }));
    assert.throws(
      () => chooseRun(bad),
      (e: Error) => e.message.includes(bad) && e.message.includes("schema"),
    );
  });
});

describe("chooseBase / lastGoodRun", () => {
  it("picks the newest passed run older than head, skipping failed, newer, broken and sample runs", () => {
    writeRun("old-good", { status: "passed", startedAt: 1000 });
    const good = writeRun("newer-good", { status: "passed", startedAt: 3000 });
    writeRun("failed", { status: "failed", startedAt: 4000 });
    writeRun("after-head", { status: "passed", startedAt: 9000 });
    writeRun("sample", { status: "passed", startedAt: 4500 });
    mkdirSync(join(dir, "broken"));
    writeFileSync(join(dir, "broken", "results.json"), "{not json");
    const headFile = writeRun("head", { status: "failed", startedAt: 5000 });
    const head = chooseRun(headFile);
    const base = lastGoodRun(head, dir);
    assert.equal(base?.file, good);
    assert.equal(base?.source, "last-good");
  });

  it("prefers HIVESTORM_BASE, and falls back to reports/sample when no good run exists", () => {
    const head = chooseRun(writeRun("lonely", { startedAt: 1 }));
    const other = writeRun("other", { startedAt: 0 });
    const base = chooseBase(head, undefined, { HIVESTORM_BASE: other });
    assert.equal(base.file, other);
    assert.match(describeChoice(base), /\(from HIVESTORM_BASE\)$/);
    const fallback = chooseBase({ ...head, journal: { ...head.journal, startedAt: 0 } }, undefined, {});
    assert.ok(["last-good", "sample"].includes(fallback.source));
    if (fallback.source === "sample") assert.match(fallback.file, /reports\/sample\/results\.json$/);
  });

  it("compares the committed sample with itself, and says so, when it is the head and nothing came before", () => {
    const sample = chooseRun("reports/sample");
    const base = chooseBase({ ...sample, journal: { ...sample.journal, startedAt: 0 } }, undefined, {});
    assert.equal(base.source, "self");
    assert.equal(base.file, sample.file);
    assert.match(
      describeChoice(base),
      /no earlier passed run to compare with; pass a base run or set HIVESTORM_BASE/,
    );
  });
});
