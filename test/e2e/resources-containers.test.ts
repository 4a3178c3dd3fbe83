// The resource and stress scenarios with the demo in containers (--target docker): the faults act on the
// containers (their cgroups, their mount namespace, their processes' limits), and the bug switches fail the same
// scenarios as on processes. Every switch these tests use applies to containers as it does to processes (each
// service gets them on its command).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import {
  assertHiveCrashRestarted,
  assertQueueNotShed,
  resourceRuns,
  resourceSkip,
  servedVerdicts,
} from "../integration/resource-runs.ts";
import { journalOf, verdicts } from "../integration/run-all-child.ts";
import { assertNoDemoContainers, buildDemoImage, dockerSkip } from "./demo-image.ts";

const OFFSET = 3500;
const { runAll, assertNothingLeft } = resourceRuns(OFFSET);

const skip = resourceSkip || (await dockerSkip());

describe("resource scenarios end to end in containers", { skip }, () => {
  before(buildDemoImage);

  it("RE-001..004 pass with the demo in containers and leave nothing behind", async () => {
    const run = await runAll([
      "--target",
      "docker",
      "--suite",
      "chaos",
      "--only",
      "RE-001,RE-002,RE-003,RE-004",
    ]);
    const j = journalOf(run);
    const served = servedVerdicts(j);
    assert.deepEqual(
      served.verdicts,
      { "RE-001": "passed", "RE-002": "passed", "RE-003": "passed", "RE-004": "passed" },
      run.stdout,
    );
    assert.equal(run.code, served.code);
    const notes = j.scenarios.flatMap((s) => s.notes).join("\n");
    assert.match(notes, /tmpfs over \S+ inside container hive .*mount namespace only/);
    assert.match(notes, /its CPU quota set to 0\.5 CPU/);
    assert.match(notes, /memory limit set to/);
    await assertNothingLeft(run, j);
    await assertNoDemoContainers(OFFSET);
  });

  it("--demo-bug crash-on-enospc fails RE-001 in containers: the hive's container crashes and is started again", async () => {
    const run = await runAll([
      "--target",
      "docker",
      "--suite",
      "chaos",
      "--only",
      "RE-001",
      "--demo-bug",
      "crash-on-enospc",
    ]);
    const j = journalOf(run);
    assert.equal(verdicts(j)["RE-001"], "failed", run.stdout);
    assertHiveCrashRestarted(j.scenarios[0]);
    await assertNothingLeft(run, j);
    await assertNoDemoContainers(OFFSET);
  });

  it("--demo-bug unbounded-queue fails the combined stress in containers", async () => {
    const run = await runAll([
      "--target",
      "docker",
      "--suite",
      "stress",
      "--only",
      "stress-combined",
      "--demo-bug",
      "unbounded-queue",
    ]);
    const j = journalOf(run);
    assertQueueNotShed(run, j);
    await assertNothingLeft(run, j);
    await assertNoDemoContainers(OFFSET);
  });
});
