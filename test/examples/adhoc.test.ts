// test: alone (starts processes on fixed ports and judges latency: beside other test files it measures them)
// The ad-hoc example (examples/adhoc/latency.ts) as a user runs it: a child process on its own ports and ledger.
// It must show the latency it applied, pass as a scenario, and stop what it started when interrupted while
// starting. SIGINT or SIGTERM at random moments: test/e2e/adhoc-interrupts.test.ts.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { portOpen } from "../integration/run-all-child.ts";
import { validate } from "../report/json-schema.ts";
import { assertNothingLeft, CONFIG, dirs, PORTS, runExample, SCRIPT } from "./adhoc-run.ts";

describe(SCRIPT, { skip: process.platform !== "linux" && "reads /proc" }, () => {
  test("runs to the end and prints a p95 that shows the 300 ms it applied", async () => {
    const busy = [];
    for (const p of PORTS) if (await portOpen(p)) busy.push(p);
    assert.deepEqual(
      busy,
      [],
      "the example's ports are free before it starts (HIVESTORM_TEST_PORT_SHIFT moves them)",
    );
    const run = await runExample();
    assert.equal(run.code, 0, `exit code\n${run.stdout}\n${run.stderr}`);
    const m = /(\d+) requests, (\d+) failed, p95 (\d+(?:\.\d+)?) ms/.exec(run.stdout);
    assert.ok(m, `a summary line in ${JSON.stringify(run.stdout)}`);
    assert.ok(Number(m[1]) >= 50, `requests: ${m[1]} (20/s for 5 s)`);
    assert.equal(Number(m[2]), 0, "no request failed: latency slows, it does not break");
    assert.ok(Number(m[3]) >= 300, `p95 ${m[3]} ms includes the 300 ms of latency`);
    assert.ok(run.ledgerSeen, "the fault was in the ledger while it was applied");
    await assertNothingLeft(run, "a run to the end");
  });

  test("the same as a scenario passes on the same config, and writes a valid results@2 journal", async () => {
    const reports = mkdtempSync(join(tmpdir(), "hs-adhoc-reports-"));
    dirs.push(reports);
    const run = await runExample({
      argv: ["examples/adhoc/latency-scenario.ts", "--config", CONFIG, "--quick", "--report-dir", reports],
    });
    const [dir] = readdirSync(reports).filter((d) => /^\d{4}-/.test(d));
    assert.ok(dir, `a run directory in ${reports}\n${run.stdout}\n${run.stderr}`);
    const journal = JSON.parse(readFileSync(join(reports, dir, "results.json"), "utf8"));
    const schema = JSON.parse(readFileSync("docs/results.schema.json", "utf8"));
    assert.deepEqual(validate(schema, journal), []);
    const [s] = journal.scenarios;
    // Timing-sensitive: on a loaded machine a latency bound can fail; the reason names the check and its figures.
    assert.deepEqual([s.id, s.verdict, s.reason], ["ADHOC-001", "passed", "all 4 checks held"]);
    assert.equal(run.code, 0, `exit code\n${run.stdout}\n${run.stderr}`);
    assert.equal(s.faults[0].kind, "network-latency");
    await assertNothingLeft(run, "the scenario run");
  });

  test("SIGINT while the testbed starts the second app stops the first one, already running", async () => {
    const run = await runExample({ signal: "SIGINT", onStderrLine: /starting app-2/ });
    assert.ok(
      run.code === 130 || run.code === 0,
      `exit code ${run.code} (signal ${run.signal})\n${run.stderr}`,
    );
    await assertNothingLeft(run, 'SIGINT at "starting app-2"');
  });
});
