import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { groupAlive } from "../../../sdk/chaos/resource/stress-ng.ts";
import { STRESSORS } from "../../../sdk/chaos/resource/stressor.ts";
import { ValidationError } from "../../../sdk/core/errors.ts";
import { cgroupOf, type Hog, hivestormCgroups, startHog, stressSkip, testContext } from "./helpers.ts";

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
    assert.deepEqual(
      resource
        .cpu()
        .stressor("stress" as never)
        .on({ pid: 4242 })
        .validate()
        .map((p) => p.message),
      ['expected one of builtin, stress-ng, found "stress"'],
    );
    await assert.rejects(bad.apply(testContext()), ValidationError);
    assert.match(
      base.on({ pid: 4242, id: "hive" }).stressor("builtin").describe(),
      /^cpu: builtin 1 worker\(s\) at 100% inside the cgroup of hive \(quota 1 CPU\)/,
    );
    assert.deepEqual(base.on({ pid: 4242, id: "hive" }).stressor("stress-ng").toJSON(), {
      kind: "resource-cpu",
      target: "hive",
      load: 100,
      quota: 1,
      workers: 1,
      children: true,
      stressor: "stress-ng",
    });
  });

  for (const stressor of STRESSORS)
    it(`runs ${stressor} inside the target's own cgroup under its quota, and removes it all on revert`, {
      skip: stressSkip("process", stressor),
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
        .stressor(stressor)
        .on({ pid: hog.pid, id: "hog" })
        .observe((o) => seen.push(o))
        .apply(ctx);
      const stressPid = seen[0].facts.pid as number;
      try {
        const cg = cgroupOf(hog.pid, "cpu");
        assert.match(cg, /^\/hivestorm\/cpu-/);
        assert.equal(cgroupOf(stressPid, "cpu"), cg, "the stressor is in the target's cgroup");
        assert.equal(cgroupOf(stressPid, "memory"), cgroupOf(hog.pid, "memory"));
        assert.equal(readFileSync(`/sys/fs/cgroup/cpu${cg}/cpu.cfs_quota_us`, "utf8").trim(), "50000");
        // Everything it runs on is inside too: stress-ng's 2 forked stressors, or the hog's 2 busy threads.
        const listed = stressor === "stress-ng" ? "cgroup.procs" : "tasks";
        const ids = readFileSync(`/sys/fs/cgroup/cpu${cg}/${listed}`, "utf8").trim().split("\n");
        assert.ok(ids.length >= 4, `target + ${stressor} + 2 busy workers, found ${ids}`);
        assert.match(String(seen[0].how), stressor === "stress-ng" ? /^stress-ng --cpu 2/ : /^hivestorm-hog/);
        assert.equal(seen[0].facts.stressor, stressor);
        await busySpinning(stressPid, 2);
        assert.equal(ctx.ledger.size, 1);
      } finally {
        await handle.revert();
      }
      assert.equal(groupAlive(stressPid), false, "the stressor and its workers are gone");
      assert.equal(cgroupOf(hog.pid, "cpu"), before, "the target is back in its cgroup");
      assert.deepEqual(
        (await hivestormCgroups()).filter((c) => c.endsWith(`-${hog.pid}`)),
        [],
      );
      assert.equal(ctx.ledger.size, 0);
      assert.equal(seen.at(-1)?.phase, "reverted");
    });
});

/**
 * The pressure is real: over a second, `workers` of the stressor's threads (stress-ng's forked stressors, or
 * the hog's worker threads) are runnable at every look, and they burn CPU. Judged on the threads' state, not on
 * a share of the CPU: on a busy machine (or under the quota) a spinning thread waits its turn, still runnable;
 * one that sleeps is not.
 */
async function busySpinning(pid: number, workers: number): Promise<void> {
  const tasks = () =>
    [pid, ...childrenOf(pid)].flatMap((p) =>
      readdirSync(`/proc/${p}/task`).map(
        (t) => readFileSync(`/proc/${p}/task/${t}/stat`, "utf8").split(") ")[1],
      ),
    );
  const ticks = () =>
    tasks().reduce((sum, f) => sum + Number(f.split(" ")[11]) + Number(f.split(" ")[12]), 0);
  const running = () => tasks().filter((f) => f.startsWith("R")).length;
  // Worker threads take a while to start on a busy machine: the pressure is judged once they run.
  for (const deadline = Date.now() + 15_000; running() < workers && Date.now() < deadline; )
    await new Promise((r) => setTimeout(r, 50));
  const c0 = ticks();
  const runnable: number[] = [];
  for (let i = 0; i < 20; i++) {
    runnable.push(running());
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(
    runnable.filter((n) => n >= workers).length >= 18,
    `runnable threads at 20 looks, 50 ms apart: ${runnable.join(" ")} (expected ${workers} at 18 or more)`,
  );
  assert.ok(ticks() > c0, "the stressor used CPU");
}

function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  return readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}
