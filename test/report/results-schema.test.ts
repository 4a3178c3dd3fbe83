import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { JOURNAL_SCHEMA } from "../../sdk/core/journal.ts";
import { buildJournal } from "./fixtures.ts";
import { validate } from "./json-schema.ts";

const schema = JSON.parse(readFileSync(new URL("../../docs/results.schema.json", import.meta.url), "utf8"));

describe("docs/results.schema.json", () => {
  test("is draft 2020-12 and names the journal's schema id", () => {
    assert.equal(schema.$schema, "https://json-schema.org/draft/2020-12/schema");
    assert.equal(schema.properties.schema.const, JOURNAL_SCHEMA);
  });

  test("a realistic journal (every optional field used) is valid, after a JSON round trip", () => {
    const journal = buildJournal();
    journal.statusReason = "2 scenarios failed";
    journal.environment.toxiproxy = { url: "http://127.0.0.1:8474", embedded: true, version: "2.12.0" };
    journal.scenarios[0].faults[0].id = "fault-4242-1";
    journal.scenarios[0].observations = { retries: 3, workersAtStart: { ids: ["w-0"], ready: 1 } };
    journal.scenarios[0].restorations = [
      { service: "hive", why: "its process (pid 4242) exited", ok: true },
      { service: "queen", why: "answered 503", ok: false, error: "did not become healthy within 20000ms" },
    ];
    journal.scenarios[1].verdict = "interrupted";
    const json = JSON.parse(JSON.stringify(journal));
    assert.deepEqual(validate(schema, json), []);
  });

  test("catches what a broken writer would produce", () => {
    const journal = JSON.parse(JSON.stringify(buildJournal()));
    journal.schema = "hivestorm/results@0";
    journal.scenarios[0].verdict = "ok";
    delete journal.scenarios[1].reason;
    journal.scenarios[0].windows.before.p95 = "fast";
    journal.scenarios[0].timeline[0].extra = 1;
    journal.scenarios[0].samples.status[3] = 200.5;
    journal.scenarios[4].load.thresholds[0].ok = "yes";
    assert.deepEqual(validate(schema, journal), [
      '$.schema: expected "hivestorm/results@2", found "hivestorm/results@0"',
      '$.scenarios[0].verdict: expected one of passed, failed, error, skipped, interrupted, found "ok"',
      '$.scenarios[0].windows.before.p95: expected number or null, found "fast"',
      "$.scenarios[0].timeline[0]: unexpected property extra",
      "$.scenarios[0].samples.status[3]: expected integer, found 200.5",
      "$.scenarios[1]: missing required reason",
      '$.scenarios[4].load.thresholds[0].ok: expected boolean, found "yes"',
    ]);
  });
});
