import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { groupAlive } from "../../../sdk/chaos/resource/stress-ng.ts";
import { ValidationError } from "../../../sdk/core/errors.ts";
import { cgroupOf, type Hog, hivestormCgroups, startHog, stressSkip, testContext } from "./helpers.ts";

const skip = stressSkip();
const hogs: Hog[] = [];
after(async () => {
  for (const h of hogs) await h.stop();
});

describe("chaos.resource.cpu", () => {
  it("is an immutable spec that validates every problem at once", async () => {
    const base = resource.cpu({ load: 100 });
    const bad = base.quota(0).workers(0);
    assert.notEqual(base, bad);
    assert.deepEqual(
      base.validate().map((p) => p.path),
      ["on"],
    );
    assert.deepEqual(
      resource
        .cpu({ load: 0 })
        .quota(-1)
        .workers(1000)
        .on({ pid: 1 })
        .validate()
        .map((p) => p.path),
      ["on.pid", "load", "quota", "workers"],
    );
    await assert.rejects(bad.apply(testContext()), ValidationError);
    assert.match(
      base.on({ pid: 4242, id: "hive" }).describe(),
      /100% inside the cgroup of hive \(quota 1 CPU\)/,
    );
    assert.deepEqual(base.on({ pid: 4242, id: "hive" }).toJSON(), {
      kind: "resource-cpu",
      target: "hive",
      load: 100,
      quota: 1,
      workers: 1,
      children: true,
    });
  });

  it("runs stress-ng inside the target's own cgroup under its quota, and removes it all on revert", {
    skip,
  }, async () => {
    const hog = await startHog();
    hogs.push(hog);
    const before = cgroupOf(hog.pid, "cpu");
    const seen: ResourceObservation[] = [];
    const ctx = testContext();
    const handle = await resource
      .cpu({ load: 100 })
      .quota(0.5)
      .workers(2)
      .on({ pid: hog.pid, id: "hog" })
      .observe((o) => seen.push(o))
      .apply(ctx);
    const stressPid = seen[0].facts.pid as number;
    try {
      const cg = cgroupOf(hog.pid, "cpu");
      assert.match(cg, /^\/hivestorm\/cpu-/);
      assert.equal(cgroupOf(stressPid, "cpu"), cg, "stress-ng is in the target's cgroup");
      assert.equal(cgroupOf(stressPid, "memory"), cgroupOf(hog.pid, "memory"));
      assert.equal(readFileSync(`/sys/fs/cgroup/cpu${cg}/cpu.cfs_quota_us`, "utf8").trim(), "50000");
      // Its stressors were forked inside too: the hog, stress-ng and its 2 stressors.
      const procs = readFileSync(`/sys/fs/cgroup/cpu${cg}/cgroup.procs`, "utf8")
        .trim()
        .split("\n")
        .map(Number);
      assert.ok(procs.length >= 4, `hog + stress-ng + 2 stressors, found ${procs}`);
      assert.equal(ctx.ledger.size, 1);
    } finally {
      await handle.revert();
    }
    assert.equal(groupAlive(stressPid), false, "stress-ng and its stressors are gone");
    assert.equal(cgroupOf(hog.pid, "cpu"), before, "the target is back in its cgroup");
    assert.deepEqual(
      (await hivestormCgroups()).filter((c) => c.endsWith(`-${hog.pid}`)),
      [],
    );
    assert.equal(ctx.ledger.size, 0);
    assert.equal(seen.at(-1)?.phase, "reverted");
  });
});
