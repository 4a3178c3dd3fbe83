import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asJournal, PAGE_READABLE_SCHEMAS } from "../../notebooks/lib/journal-check.ts";
import { sampleRun } from "../../notebooks/tooling/sample-run.ts";
import { JOURNAL_SCHEMA, READABLE_SCHEMAS } from "../../sdk/core/journal.ts";

describe("asJournal (the Observable pages' journal check)", () => {
  it("reads the same schemas as sdk/core/journal.ts, the current one last", () => {
    assert.deepEqual([...PAGE_READABLE_SCHEMAS].sort(), [...READABLE_SCHEMAS].sort());
    assert.equal(PAGE_READABLE_SCHEMAS.at(-1), JOURNAL_SCHEMA);
  });

  it("reads a schema @1 journal as the current one", () => {
    const old = { ...sampleRun("head"), schema: "hivestorm/results@1" };
    old.options = { ...old.options, systemFlags: undefined as unknown as string[], demoBugs: ["no-retry"] };
    assert.deepEqual(asJournal(old, "x").options.systemFlags, ["no-retry"]);
  });

  it("passes a journal through and names the source of anything else", () => {
    const run = sampleRun("head");
    assert.equal(asJournal(run, "x"), run);
    assert.throws(
      () => asJournal({ schema: "k6/summary" }, "reports/x/results.json"),
      /reports\/x\/results\.json: .*found "k6\/summary"/,
    );
    assert.throws(() => asJournal(null, "data/run.json"), /data\/run\.json: .*found undefined/);
  });
});
