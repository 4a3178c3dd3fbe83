import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { afterEach, describe, it } from "node:test";
import { FaultError, ValidationError } from "../../../sdk/core/errors.ts";
import { createCgroup } from "../../../sdk/system/cgroup/cgroup.ts";
import { cgroupSupport } from "../../../sdk/system/cgroup/cgroup-support.ts";
import { dockerAvailability } from "../../../sdk/system/targets/docker-engine.ts";
import type { ProcessTarget } from "../../../sdk/system/targets/process-target.ts";
import { reapTargetRecord } from "../../../sdk/system/targets/reap.ts";
import { resolveTargets, targetSpecProblems } from "../../../sdk/system/targets/resolve.ts";
import { HOG, spawnHog } from "../fixtures/hog.ts";

const docker = await dockerAvailability();
const started: ProcessTarget[] = [];
afterEach(async () => {
  for (const t of started.splice(0)) if (await t.isRunning()) await t.stop({ graceMs: 0 });
});

describe("reapTargetRecord", () => {
  it("resumes a process a killed run left paused, from its record alone", async () => {
    const { target } = await spawnHog("reap-paused");
    started.push(target);
    const undo = await target.pause();
    assert.equal(await target.status(), "paused");
    assert.equal(await reapTargetRecord(undo.reap!), true);
    assert.equal(await target.status(), "running");
  });

  it("removes a cgroup left behind", { skip: cgroupSupport().ok ? false : "no cgroups here" }, async () => {
    const cg = await createCgroup(`reap-${process.pid}`);
    assert.equal(await reapTargetRecord(cg.undo.reap!), true);
    for (const dir of cg.dirs) assert.equal(existsSync(dir), false);
  });

  it("leaves other kinds to other reapers", async () => {
    assert.equal(await reapTargetRecord({ kind: "toxic", proxy: "queen" }), false);
    assert.equal(await reapTargetRecord({ kind: "toString" }), false);
  });
});

describe("resolveTargets", () => {
  it("lists every problem of a bad spec", () => {
    assert.deepEqual(
      targetSpecProblems({ kind: "process", pid: 1, command: "" }).map((p) => p.path),
      ["id", "", "pid", "command"],
    );
    assert.deepEqual(
      targetSpecProblems({ kind: "docker" }).map((p) => p.path),
      [""],
    );
    assert.deepEqual(
      targetSpecProblems({ kind: "vm" }).map((p) => p.path),
      ["kind"],
    );
  });

  it("spawns and attaches process targets", async () => {
    const [spawned] = await resolveTargets({
      kind: "process",
      id: "resolved",
      command: process.execPath,
      args: [HOG],
      env: { HOG_TERM_DELAY_MS: "0" },
    });
    started.push(spawned as ProcessTarget);
    const pid = (await spawned.pid())!;
    const [attached] = await resolveTargets({ kind: "process", id: "again", pid });
    assert.equal(await attached.pid(), pid);
    assert.equal(attached.kind, "process");
    await assert.rejects(resolveTargets({ kind: "process", id: "x" } as never), ValidationError);
  });

  it("refuses a docker label that matches nothing", {
    skip: docker.ok ? false : `${docker.reason} (start it with bash .ci/setup-docker.sh)`,
  }, async () => {
    await assert.rejects(
      resolveTargets({ kind: "docker", label: `hivestorm.none=${process.pid}` }),
      FaultError,
    );
  });
});
