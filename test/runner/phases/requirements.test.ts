import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { load } from "../../../sdk/load/load.ts";
import { checkRequirements } from "../../../sdk/runner/phases/requirements.ts";
import type { Requirement } from "../../../sdk/runner/scenario.ts";
import { base, newRun } from "../fakes.ts";

const req = (missing: string | undefined, enable: string, calls: string[]): Requirement => ({
  check: async () => {
    calls.push(enable);
    return missing;
  },
  enable,
});

describe("checkRequirements", () => {
  it("the first unmet requirement skips with its reason and the command that enables it", async () => {
    const calls: string[] = [];
    const run = newRun({
      ...base,
      steps: async () => {},
      requires: [
        req(undefined, "nothing", calls),
        req("stress-ng is not installed", "apt-get install stress-ng", calls),
        req("not root", "sudo", calls),
      ],
    });
    const r = await checkRequirements(run);
    assert.equal(r?.verdict, "skipped");
    assert.equal(r?.reason, "stress-ng is not installed");
    assert.equal(r?.enable, "apt-get install stress-ng");
    assert.deepEqual(calls, ["nothing", "apt-get install stress-ng"], "stops at the first unmet one");
    run.dispose();
  });

  it("met requirements and checks: the scenario goes on", async () => {
    const run = newRun({ ...base, steps: async () => {}, requires: [req(undefined, "x", [])] });
    assert.equal(await checkRequirements(run), undefined);
    run.dispose();
  });

  it("a scenario without checks is an error, never a pass", async () => {
    const run = newRun({ ...base, expect: [], steps: async () => {} });
    const r = await checkRequirements(run);
    assert.equal(r?.verdict, "error");
    assert.match(r?.reason ?? "", /declares no checks/);
    run.dispose();
  });

  it("a load scenario may go without checks (its thresholds judge it)", async () => {
    const run = newRun({ ...base, expect: [], load: { plan: load.rate(5, "1s") } });
    assert.equal(await checkRequirements(run), undefined);
    run.dispose();
  });
});
