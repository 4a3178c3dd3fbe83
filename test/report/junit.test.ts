import assert from "node:assert/strict";
import { test } from "node:test";
import { renderJUnit } from "../../sdk/report/junit.ts";
import { buildJournal, chaosScenario, erroredScenario } from "./fixtures.ts";
import { descendants, parseXml } from "./xml-parse.ts";

test("one testsuite per suite, one testcase per scenario, counts that match", () => {
  const journal = buildJournal();
  const xml = renderJUnit(journal);
  const root = parseXml(xml);
  assert.equal(root.name, "testsuites");
  assert.deepEqual(
    ["tests", "failures", "errors", "skipped"].map((k) => root.attributes[k]),
    ["5", "2", "1", "1"],
  );
  const suites = root.children;
  assert.deepEqual(
    suites.map((s) => s.attributes.name),
    ["network", "worker-crash", "resource", "load"],
  );
  for (const suite of suites) {
    const cases = suite.children.filter((c) => c.name === "testcase");
    assert.equal(Number(suite.attributes.tests), cases.length);
    const count = (tag: string) => cases.filter((c) => c.children.some((e) => e.name === tag)).length;
    assert.equal(Number(suite.attributes.failures), count("failure"));
    assert.equal(Number(suite.attributes.errors), count("error"));
    assert.equal(Number(suite.attributes.skipped), count("skipped"));
  }
  const cases = descendants(root).filter((e) => e.name === "testcase");
  assert.equal(cases.length, 5);
  assert.equal(cases[0].attributes.time, "30.000");
  assert.equal(cases[0].attributes.name, "NF-002: Network latency 500 ms + jitter");
  assert.equal(suites[0].attributes.time, "30.000");
  assert.equal(suites[2].attributes.time, "1.500");
  assert.equal(
    suites[0].attributes.timestamp,
    new Date(journal.scenarios[0].startedAt).toISOString().slice(0, 19),
  );

  const failure = cases[1].children.find((e) => e.name === "failure")!;
  assert.equal(failure.attributes.message, journal.scenarios[1].reason);
  assert.match(failure.text, /no 5xx after eviction: expected 0 responses with 5xx, observed 50 × 503/);
  const skipped = cases[2].children.find((e) => e.name === "skipped")!;
  assert.match(skipped.attributes.message, /no GPU on this machine \(to run it: run on a machine/);
  const error = cases[3].children.find((e) => e.name === "error")!;
  // Markup in the reason survives the round trip exactly.
  assert.equal(
    error.attributes.message,
    'FaultError: could not mount tmpfs: "permission denied" <EPERM> & more',
  );
  const out = cases[0].children.find((e) => e.name === "system-out")!;
  assert.match(out.text, /time to recover: 1\.9s \(deadline 10s/);
  assert.match(out.text, /expected: Requests slow down but succeed/);
});

test("control characters, quotes and line breaks are escaped or replaced", () => {
  const nasty = { ...erroredScenario(), reason: "crash:\u0007 \"boom\" 'x'\nline 2 ]]> <![CDATA[" };
  const s = { ...chaosScenario(), name: 'a "quoted" & <tagged> name' };
  const root = parseXml(renderJUnit(buildJournal([s, nasty])));
  const cases = descendants(root).filter((e) => e.name === "testcase");
  assert.equal(cases[0].attributes.name, 'NF-002: a "quoted" & <tagged> name');
  const error = cases[1].children.find((e) => e.name === "error")!;
  assert.equal(error.attributes.message, "crash:\uFFFD \"boom\" 'x'\nline 2 ]]> <![CDATA[");
  assert.equal(error.text, error.attributes.message);
});

test("an empty run is a valid empty report", () => {
  const root = parseXml(renderJUnit(buildJournal([])));
  assert.equal(root.attributes.tests, "0");
  assert.equal(root.children.length, 0);
});
