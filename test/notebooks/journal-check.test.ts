import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asJournal, PAGE_JOURNAL_SCHEMA } from "../../notebooks/lib/journal-check.ts";
import { sampleRun } from "../../notebooks/tooling/sample-run.ts";
import { JOURNAL_SCHEMA } from "../../sdk/core/journal.ts";

describe("asJournal (the Observable pages' journal check)", () => {
  it("knows the same schema as sdk/core/journal.ts", () => {
    assert.equal(PAGE_JOURNAL_SCHEMA, JOURNAL_SCHEMA);
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
