// What a killed run leaves must be revertable from another process: each fault's ledger record, given to its
// reaper, undoes it; the in-process revert afterwards is a harmless no-op.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import { RESOURCE_REAPERS } from "../../../sdk/chaos/resource/reapers.ts";
import { groupAlive } from "../../../sdk/chaos/resource/stress-ng.ts";
import type { ReapRecord } from "../../../sdk/core/ledger.ts";
import {
  cgroupOf,
  type Hog,
  hivestormCgroups,
  isMounted,
  startHog,
  stressSkip,
  testContext,
} from "./helpers.ts";

const hogs: Hog[] = [];
const base = mkdtempSync(join(tmpdir(), "hs-reap-"));
after(async () => {
  for (const h of hogs) await h.stop();
  rmSync(base, { recursive: true, force: true });
});

/** The record the ledger holds for the one fault applied in `ctx`, as scripts/reap.ts would read it. */
function recordOf(ctx: ReturnType<typeof testContext>): ReapRecord {
  const [entry] = ctx.ledger.entries();
  assert.ok(entry?.reap, "the fault left a reap record in the ledger");
  return JSON.parse(JSON.stringify(entry.reap));
}

describe("resource reapers", () => {
  it("resource-stress: ends stress-ng, restores OOM scores, removes the cgroup", {
    skip: stressSkip(),
  }, async () => {
    const hog = await startHog();
    hogs.push(hog);
    const adj = readFileSync(`/proc/${hog.pid}/oom_score_adj`, "utf8");
    const ctx = testContext();
    const handle = await resource.memory({ percent: 50 }).on({ pid: hog.pid }).apply(ctx);
    const record = recordOf(ctx);
    assert.equal(record.kind, "resource-stress");
    await RESOURCE_REAPERS[record.kind](record);
    assert.equal(groupAlive(Number(record.pgid)), false);
    assert.equal(readFileSync(`/proc/${hog.pid}/oom_score_adj`, "utf8"), adj);
    // The reaper knows no origin: the target goes to the hierarchy's root, out of ours.
    assert.doesNotMatch(cgroupOf(hog.pid, "memory"), /hivestorm/);
    assert.deepEqual(
      (await hivestormCgroups()).filter((c) => c.endsWith(`-${hog.pid}`)),
      [],
    );
    await handle.revert();
    assert.equal(hog.child.exitCode, null);
  });

  it("resource-disk-fill: removes the fill and the mount", {
    skip: process.getuid?.() === 0 ? false : "needs root",
  }, async () => {
    const dir = join(base, "cache");
    const ctx = testContext();
    const handle = await resource.disk.fill({ percent: 100 }).on(dir).apply(ctx);
    await RESOURCE_REAPERS["resource-disk-fill"](recordOf(ctx));
    assert.equal(isMounted(dir), false);
    await handle.revert();
  });

  it("resource-nofile: puts the target's limit back", async () => {
    const hog = await startHog();
    hogs.push(hog);
    const limits = () => /^Max open files.*$/m.exec(readFileSync(`/proc/${hog.pid}/limits`, "utf8"))![0];
    const original = limits();
    const ctx = testContext();
    const handle = await resource.fds({ leave: 1 }).on({ pid: hog.pid }).apply(ctx);
    assert.notEqual(limits(), original);
    await RESOURCE_REAPERS["resource-nofile"](recordOf(ctx));
    assert.equal(limits(), original);
    await handle.revert();
  });

  it("does not kill a pid that is no longer stress-ng", async () => {
    await RESOURCE_REAPERS["resource-stress"]({ kind: "resource-stress", pgid: process.pid });
    assert.ok(true, "still alive");
  });
});
