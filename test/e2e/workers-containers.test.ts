// WC-001, WC-003 and WC-004 with the demo in containers (--target docker), workers as containers: they pass,
// ignore-sigterm fails WC-004 with the container's forced kill, and no container is left.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { journalOf, shifted, verdicts } from "../integration/run-all-child.ts";
import { byId, check, workerRuns } from "../integration/worker-runs.ts";
import { assertNoDemoContainers, buildDemoImage, dockerSkip } from "./demo-image.ts";

// The ports of test/integration/workers.test.ts (8080 + 2500 ...): the system tests run one file at a time.
const OFFSET = 2500;
const { runAll, assertNothingLeft } = workerRuns(OFFSET);

const skip = await dockerSkip();

describe("worker crash scenarios with the demo in containers", { skip, timeout: 900_000 }, () => {
  before(buildDemoImage);

  it("--target docker with ignore-sigterm: WC-004 fails and shows the forced kill of the container", async () => {
    const run = await runAll([
      "--quick",
      "--target",
      "docker",
      "--only",
      "WC-004",
      "--demo-bug",
      "ignore-sigterm",
    ]);
    assert.equal(run.code, 1, run.stdout);
    const s = byId(journalOf(run));
    assert.equal(s["WC-004"].verdict, "failed");
    assert.match(run.stdout, /WC-004: hit container worker-\d+/);
    assert.equal(check(s["WC-004"], /the hive notices/).ok, true);
    assert.match(
      check(s["WC-004"], /shuts down gracefully/).observed,
      /^forced: .*SIGKILLed, gone after \d+ ms/,
    );
    await assertNothingLeft(run);
  });

  it("--target docker: WC-001 and WC-003 pass with the demo in containers, workers as containers", async () => {
    const run = await runAll(["--quick", "--target", "docker", "--only", "WC-001,WC-003"]);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "WC-001": "passed", "WC-003": "passed" }, run.stdout);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /starting hive in docker: hivestorm\/node:local/);
    assert.match(
      run.stdout,
      new RegExp(`WC-001: hit container worker-\\d+ \\(hivestorm-worker-${9300 + shifted(OFFSET)}-\\d\\)`),
    );
    const wc3 = byId(j)["WC-003"];
    assert.match(wc3.notes.join("\n"), /OOM produced by docker-memory-limit.*State\.OOMKilled true/);
    assert.match(readFileSync(join(run.reportDir, j.runId, "run.log"), "utf8"), /hive\.docker\.log/);
    await assertNothingLeft(run);
    await assertNoDemoContainers(OFFSET);
  });
});
