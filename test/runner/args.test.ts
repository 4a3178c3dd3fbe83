import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { parseRunAllArgs, QUICK_TIME_SCALE, reportDirProblem } from "../../sdk/runner/args.ts";

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
  it("refuses every number out of bounds and every empty selection, with the limit in the message", () => {
    const problem = (argv: string[]) => {
      try {
        parseRunAllArgs(argv);
      } catch (e) {
        assert.ok(e instanceof ValidationError);
        return e.message;
      }
      assert.fail(`${argv.join(" ")} was accepted`);
    };
    for (const scale of ["-1", "0", "1e9", "1e-9", "0x10", "Infinity", "1001", "0.0001", "abc"])
      assert.match(
        problem(["--time-scale", scale]),
        /--time-scale: expected a decimal number from 0\.001 to 1000/,
        scale,
      );
    assert.match(problem(["--quick=maybe"]), /--quick: takes no value/);
    assert.match(problem(["--suite", ""]), /--suite: expected a name, found an empty value/);
    assert.match(problem(["--only", ""]), /--only: expected a name/);
    assert.match(problem(["--only", "NF-001,,NF-002"]), /--only: expected a name/);
    assert.equal(parseRunAllArgs(["--time-scale", "1000"]).timeScale, 1000);
    assert.equal(parseRunAllArgs(["--time-scale", ".5"]).timeScale, 0.5);
    assert.equal(parseRunAllArgs(["--quick=false"]).timeScale, 1);
  });
  it("finds an unwritable report folder before anything starts", () => {
    assert.equal(reportDirProblem(tmpdir(), "reports/x"), undefined);
    const file = join(mkdtempSync(join(tmpdir(), "hs-args-")), "a-file");
    writeFileSync(file, "");
    assert.match(reportDirProblem(tmpdir(), join(file, "reports"))?.message ?? "", /is a file, not a folder/);
  });
});

describe("--stressor", () => {
  it("takes builtin or stress-ng, and refuses anything else naming the flag", () => {
    assert.equal(parseRunAllArgs(["--stressor", "stress-ng"]).stressor, "stress-ng");
    assert.equal(parseRunAllArgs([]).stressor, undefined);
    assert.throws(
      () => parseRunAllArgs(["--stressor", "hog"]),
      /--stressor: expected builtin or stress-ng, found "hog"/,
    );
  });
});
