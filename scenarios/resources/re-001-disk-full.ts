#!/usr/bin/env -S npx tsx
// RE-001: "Disk full (100%)". The hive's model cache (its dataDir) gets a 16 MiB tmpfs mounted over it, filled
// to 100%; nothing is written anywhere else. Model uploads must be refused with 507 Insufficient Storage, the
// hive must stay up and keep serving inference, and uploads must work again once the space comes back.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  alive,
  canFillDisk,
  diskFillPlace,
  HIVE,
  healthy,
  observer,
  pause,
  removeModel,
  resourceChecks,
  timeUntil,
  upload,
} from "../_lib/resources.ts";

export const scenario = defineScenario({
  id: "RE-001",
  name: "Disk full (100%)",
  suite: "chaos",
  category: "resources",
  roles: { gateway: [], backend: ["dataDir", "process", "api:rbee-hive"] },
  expected:
    "With the hive's model cache 100% full, uploads are answered 507 Insufficient Storage, the hive does not crash and keeps serving inference (>= 95%), and uploads succeed again within 10 s of the space coming back",
  requires: [canFillDisk],
  // Space that comes back is usable at once: a service that needs longer has not recovered.
  recovery: { deadline: "15s" },
  duration: "20s",
  steps: async (ctx) => {
    const hive = ctx.system.service(HIVE);
    const pid = hive.pid;
    const handle = await ctx.apply(
      chaos.resource.disk
        .fill({ percent: 100 })
        .size(16 * 2 ** 20)
        .on(await diskFillPlace(ctx))
        .observe(observer(ctx, "disk")),
    );
    const statuses: number[] = [];
    const hold = ctx.hold();
    let done = false;
    void hold.then(() => {
      done = true;
    });
    for (let i = 0; !done && i < 200; i++) {
      statuses.push(await upload(hive.url, `re-001-${i}`, 1));
      await pause(500);
    }
    await hold;
    ctx.record("uploadsWhileFull", statuses);
    ctx.record("hiveHealthyWhileFull", await healthy(hive.url));
    await handle.revert();
    // Normal service after the space comes back: the first upload that is stored again.
    ctx.record(
      "uploadBackMs",
      await timeUntil(async () => (await upload(hive.url, "re-001-after", 1)) === 201, 10_000, ctx.signal),
    );
    await removeModel(hive.url, "re-001-after");
    ctx.record("hiveAlive", await alive(pid));
  },
  expect: [
    expect.custom(
      "uploads to a full disk are answered 507 Insufficient Storage",
      "every upload 507, at least 1",
      (o) => {
        const s = (o.data.uploadsWhileFull ?? []) as number[];
        return {
          ok: s.length > 0 && s.every((x) => x === 507),
          observed: s.length ? `statuses ${[...new Set(s)].join(", ")} (${s.length} uploads)` : "no uploads",
        };
      },
    ),
    resourceChecks.noCrash(HIVE, "hiveAlive"),
    expect.successRate("during", 0.95),
    resourceChecks.within("uploads work again once the space is back", "uploadBackMs", 10_000),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
