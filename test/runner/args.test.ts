import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { parseRunAllArgs, QUICK_TIME_SCALE } from "../../sdk/runner/args.ts";

describe("run-all flags", () => {
  it("defaults: all suites in order, scale 1, process target", () => {
    const a = parseRunAllArgs([]);
    assert.deepEqual(a.suites, ["chaos", "load", "stress"]);
    assert.equal(a.timeScale, 1);
    assert.equal(a.target, "process");
    assert.equal(a.config, "hivestorm.config.ts");
  });
  it("parses every flag", () => {
    const a = parseRunAllArgs([
      ...["--suite", "stress", "--suite", "chaos", "--only", "NF-001,NF-002", "--config", "x.ts"],
      ...["--time-scale", "0.2", "--dry-run", "--strict", "--report-dir", "out", "--demo-bug", "no-retry"],
      ...["--demo-bug", "no-timeouts", "--target", "docker"],
    ]);
    assert.deepEqual(a.suites, ["chaos", "stress"], "suites keep the runner's order");
    assert.deepEqual(a.only, ["NF-001", "NF-002"]);
    assert.equal(a.timeScale, 0.2);
    assert.deepEqual(a.demoBugs, ["no-retry", "no-timeouts"]);
    assert.ok(a.dryRun && a.strict);
    assert.equal(a.reportDir, "out");
    assert.equal(a.target, "docker");
  });
  it("--quick sets the quick time scale unless --time-scale says otherwise", () => {
    assert.equal(parseRunAllArgs(["--quick"]).timeScale, QUICK_TIME_SCALE);
    assert.equal(parseRunAllArgs(["--quick", "--time-scale", "0.5"]).timeScale, 0.5);
  });
  it("reports every bad flag at once", () => {
    try {
      parseRunAllArgs(["extra", "--suite", "soak", "--time-scale=-1", "--target", "k8s", "--nope"]);
      assert.fail("should throw");
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.problems.map((p) => p.path).sort(), [
        "--nope",
        "--suite",
        "--target",
        "--time-scale",
        "arguments",
      ]);
      assert.match(e.message, /^run-all flags is invalid \(5 problems\)/);
    }
  });
});
