import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { groupAlive } from "../../../sdk/chaos/resource/stress-ng.ts";
import { STRESSORS } from "../../../sdk/chaos/resource/stressor.ts";
import { cgroupOf, type Hog, hivestormCgroups, startHog, stressSkip, testContext } from "./helpers.ts";

const hogs: Hog[] = [];
after(async () => {
  for (const h of hogs) await h.stop();
});

async function bigHog(): Promise<Hog> {
  const hog = await startHog();
  hogs.push(hog);
  // A target much larger than the stressor, as a model-serving worker is.
  await fetch(`${hog.url}/alloc?mb=64`, { signal: AbortSignal.timeout(10_000) });
  return hog;
}

describe("chaos.resource.memory", () => {
  it("validates: exactly one of percent and bytes, a sane headroom", () => {
    assert.deepEqual(
      resource
        .memory({ percent: 0 })
        .headroom(10)
        .validate()
        .map((p) => p.path),
      ["on", "percent", "headroom"],
    );
    assert.deepEqual(
      resource
        .memory({ percent: 95, bytes: 1e6 } as never)
        .on({ pid: 4242 })
        .validate()
        .map((p) => p.path),
      [""],
    );
    assert.match(
      resource.memory({ percent: 95 }).on({ pid: 9, id: "w" }).describe(),
      /^memory: builtin holds 95% of the memory left .* \+ 16.0 MiB for builtin itself\)$/,
    );
    assert.equal(
      resource.memory({ percent: 95 }).stressor("stress-ng").on({ pid: 9 }).toJSON().stressor,
      "stress-ng",
    );
  });

  for (const stressor of STRESSORS) {
    const skip = stressSkip("process", stressor);

    it(`${stressor}: below 100% the target lives next to the stressor's pressure; all is undone on revert`, {
      skip,
    }, async () => {
      const hog = await bigHog();
      const before = cgroupOf(hog.pid, "memory");
      const adjBefore = readFileSync(`/proc/${hog.pid}/oom_score_adj`, "utf8").trim();
      const seen: ResourceObservation[] = [];
      const ctx = testContext();
      // The stressor is in the ledger from the moment it runs (a run killed while it becomes resident leaves it
      // to the reaper); once applied, the fault's own entry is the only one.
      const added: { description: string; kind: unknown }[] = [];
      const add = ctx.ledger.add.bind(ctx.ledger);
      ctx.ledger.add = (entry) => {
        added.push({ description: entry.description, kind: entry.reap?.kind });
        return add(entry);
      };
      const handle = await resource
        .memory({ percent: 60 })
        .stressor(stressor)
        .on({ pid: hog.pid, id: "hog" })
        .observe((o) => seen.push(o))
        .apply(ctx);
      const stressPid = 0;
      try {
        assert.deepEqual(
          added.map((x) => [/\(being applied\)$/.test(x.description), x.kind]),
          [
            [true, "resource-stress"],
            [false, "resource-stress"],
          ],
        );
        assert.equal(ctx.ledger.size, 1);
        const cg = cgroupOf(hog.pid, "memory");
        assert.match(cg, /^\/hivestorm\/memory-/);
        const usage = Number(readFileSync(`/sys/fs/cgroup/memory${cg}/memory.usage_in_bytes`, "utf8"));
        const limit = Number(readFileSync(`/sys/fs/cgroup/memory${cg}/memory.limit_in_bytes`, "utf8"));
        assert.ok(
          usage >= 0.5 * 32 * 2 ** 20,
          `stressor resident in the target's cgroup: ${usage} of ${limit}`,
        );
        assert.ok(limit <= usage + 41 * 2 ** 20);
        assert.equal(readFileSync(`/proc/${hog.pid}/oom_score_adj`, "utf8").trim(), "1000");
        assert.ok((await fetch(`${hog.url}/health`)).ok, "the target still answers");
      } finally {
        await handle.revert();
      }
      assert.equal(stressPid, 0);
      assert.equal(cgroupOf(hog.pid, "memory"), before);
      assert.equal(readFileSync(`/proc/${hog.pid}/oom_score_adj`, "utf8").trim(), adjBefore);
      assert.deepEqual(seen.at(-1)?.facts, { oomKills: 0, targetAlive: true, pid: hog.pid });
      assert.deepEqual(
        (await hivestormCgroups()).filter((c) => c.endsWith(`-${hog.pid}`)),
        [],
      );
    });

    it(`${stressor}: past 100% the kernel OOM-kills the target (not the stressor), counted by its cgroup`, {
      skip,
    }, async () => {
      const hog = await bigHog();
      const seen: ResourceObservation[] = [];
      const handle = await resource
        .memory({ percent: 150 })
        .stressor(stressor)
        .on({ pid: hog.pid, id: "hog" })
        .observe((o) => seen.push(o))
        .apply(testContext());
      try {
        const exit = await Promise.race([
          hog.exited,
          new Promise((r) => setTimeout(() => r("alive"), 15_000)),
        ]);
        assert.deepEqual(exit, { code: null, signal: "SIGKILL" });
      } finally {
        await handle.revert();
      }
      const reverted = seen.at(-1)!;
      assert.equal(reverted.phase, "reverted");
      assert.ok(
        Number(reverted.facts.oomKills) >= 1,
        `the cgroup counted the kill: ${JSON.stringify(reverted.facts)}`,
      );
      assert.equal(reverted.facts.targetAlive, false);
      assert.match(
        String(seen[0].how),
        stressor === "stress-ng" ? /stress-ng --vm 1 --vm-bytes \d+/ : /hivestorm-hog .*--vm-bytes \d+/,
      );
      assert.deepEqual(
        (await hivestormCgroups()).filter((c) => c.endsWith(`-${hog.pid}`)),
        [],
      );
      assert.equal(groupAlive(Number(seen[0].facts.pid)), false);
    });
  }
});
