// Choosing the stressor: the built-in hog by default, stress-ng when asked for; a bad choice is one clear error,
// and a stress-ng that is not installed is a prerequisite (the built-in needs nothing), checked with PATH
// emptied of stress-ng even on a machine that has it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { groupAlive, stressNgMissing } from "../../../sdk/chaos/resource/stress-ng.ts";
import {
  chosenStressor,
  STRESSOR_ENV,
  stressorFor,
  stressorMissing,
  stressorProblems,
} from "../../../sdk/chaos/resource/stressor.ts";
import { PrerequisiteError, ValidationError } from "../../../sdk/core/errors.ts";
import { cgroupOf, type Hog, hivestormCgroups, startHog, stressSkip, testContext } from "./helpers.ts";

const HOG_ENTRY = fileURLToPath(new URL("../../../sdk/chaos/resource/builtin-hog.mjs", import.meta.url));

describe("stressor choice", () => {
  it("defaults to the built-in hog; HIVESTORM_STRESSOR picks; a bad value names the variable", () => {
    assert.equal(chosenStressor({}), "builtin");
    assert.equal(chosenStressor({ [STRESSOR_ENV]: "" }), "builtin");
    assert.equal(chosenStressor({ [STRESSOR_ENV]: "stress-ng" }), "stress-ng");
    assert.throws(
      () => chosenStressor({ [STRESSOR_ENV]: "stressng" }),
      (e: unknown) =>
        e instanceof ValidationError &&
        /HIVESTORM_STRESSOR is invalid/.test(e.message) &&
        /expected one of builtin, stress-ng, found "stressng"/.test(e.message),
    );
    assert.deepEqual(stressorProblems(undefined, { [STRESSOR_ENV]: "x" }), [
      { path: "stressor", message: 'HIVESTORM_STRESSOR: expected one of builtin, stress-ng, found "x"' },
    ]);
    // A fault's own choice wins over the environment.
    assert.deepEqual(stressorProblems("builtin", { [STRESSOR_ENV]: "x" }), []);
    assert.equal(stressorFor("builtin", { [STRESSOR_ENV]: "stress-ng" }), "builtin");
    assert.equal(stressorFor(undefined, { [STRESSOR_ENV]: "stress-ng" }), "stress-ng");
    assert.equal(stressorMissing("builtin"), undefined);
  });

  it("the environment's choice shows in the fault's description and journal entry", () => {
    const saved = process.env[STRESSOR_ENV];
    try {
      process.env[STRESSOR_ENV] = "stress-ng";
      const cpu = resource.cpu().on({ pid: 4242, id: "hive" });
      assert.match(cpu.describe(), /^cpu: stress-ng /);
      assert.equal(cpu.toJSON().stressor, "stress-ng");
      process.env[STRESSOR_ENV] = "nope";
      assert.deepEqual(
        cpu.validate().map((p) => p.path),
        ["stressor"],
      );
    } finally {
      if (saved === undefined) delete process.env[STRESSOR_ENV];
      else process.env[STRESSOR_ENV] = saved;
    }
  });

  it("the hog's own process refuses bad arguments with every problem at once", () => {
    const r = spawnSync(process.execPath, [HOG_ENTRY, "--cpu", "0", "--bogus", "1"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unrecognized flag --bogus/);
    assert.match(r.stderr, /invalid --cpu: expected 1\.\.256/);
  });
});

describe("without stress-ng on PATH", () => {
  const bin = mkdtempSync(join(tmpdir(), "hs-nostress-"));
  const savedPath = process.env.PATH;
  const hogs: Hog[] = [];
  before(() => {
    // Only a shell: what a fresh machine without the Debian package has, as far as we can tell.
    symlinkSync("/bin/sh", join(bin, "sh"));
    process.env.PATH = bin;
  });
  after(async () => {
    process.env.PATH = savedPath;
    for (const h of hogs) await h.stop();
    rmSync(bin, { recursive: true, force: true });
  });

  it("stress-ng is missing, and asking for it is a prerequisite error that suggests the built-in", async () => {
    assert.match(String(stressNgMissing()), /stress-ng is not installed/);
    const ctx = testContext();
    await assert.rejects(
      resource.cpu().stressor("stress-ng").on({ pid: process.pid }).apply(ctx),
      (e: unknown) =>
        e instanceof PrerequisiteError && /HIVESTORM_STRESSOR=builtin/.test(e.details.hint ?? ""),
    );
    assert.equal(ctx.ledger.size, 0, "nothing applied, nothing to revert");
    assert.deepEqual(
      (await hivestormCgroups()).filter((c) => c.endsWith(`-${process.pid}`)),
      [],
    );
  });

  it("the built-in hog still makes CPU pressure inside the target's cgroup", {
    skip: stressSkip("process", "builtin"),
  }, async () => {
    process.env.PATH = savedPath; // the hog fixture is started with the real PATH
    const hog = await startHog();
    process.env.PATH = bin;
    hogs.push(hog);
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .cpu({ load: 100 })
      .on({ pid: hog.pid, id: "hog" })
      .observe((o) => seen.push(o))
      .apply(testContext());
    const pid = Number(seen[0].facts.pid);
    try {
      assert.equal(seen[0].facts.stressor, "builtin");
      assert.equal(cgroupOf(pid, "cpu"), cgroupOf(hog.pid, "cpu"));
      assert.match(cgroupOf(pid, "cpu"), /^\/hivestorm\/cpu-/);
    } finally {
      await handle.revert();
    }
    assert.equal(groupAlive(pid), false);
  });
});
