import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import {
  JOURNAL_SCHEMA,
  type RunJournal,
  readJournal,
  stringifyJournal,
  writeJournal,
} from "../../sdk/core/journal.ts";

const journal = (): RunJournal => ({
  schema: JOURNAL_SCHEMA,
  runId: "r1",
  status: "passed",
  startedAt: 1,
  options: {
    suites: ["chaos"],
    only: [],
    timeScale: 1,
    quick: false,
    dryRun: false,
    strict: false,
    target: "process",
    systemFlags: [],
    config: "c.ts",
  },
  environment: { node: "v20", platform: "linux-x64", cpus: 2, memoryBytes: 1 },
  services: [],
  scenarios: [],
  artifacts: ["a, [b]", "c"],
});

describe("journal", () => {
  it("round-trips, with value arrays on one line and strings untouched", () => {
    const j = journal();
    (j as unknown as { extra: unknown }).extra = {
      t: [1, 2.5, 3],
      ok: [true, false],
      nested: [[1], { a: 1 }],
    };
    const text = stringifyJournal(j);
    assert.match(text, /"t": \[1, 2\.5, 3\]/);
    assert.match(text, /"ok": \[true, false\]/);
    assert.deepEqual(JSON.parse(text), j);
    const file = join(mkdtempSync(join(tmpdir(), "hs-journal-")), "results.json");
    writeJournal(file, j);
    assert.deepEqual(readJournal(file), j);
  });
  it("refuses a file of another schema, naming it and every problem", () => {
    const file = join(mkdtempSync(join(tmpdir(), "hs-journal-")), "results.json");
    writeFileSync(file, JSON.stringify({ schema: "other@9", scenarios: {} }));
    assert.throws(
      () => readJournal(file),
      (e: unknown) => e instanceof ValidationError && e.problems.length === 3 && e.message.startsWith(file),
    );
    writeFileSync(file, "{");
    assert.throws(() => readJournal(file), /not readable JSON/);
    assert.ok(readFileSync(file, "utf8"));
  });
});
