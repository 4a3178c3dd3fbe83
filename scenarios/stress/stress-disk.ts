#!/usr/bin/env -S npx tsx
// Stress "disk exhaustion" (the rbee plan: dd into the hive's disk). The hive's cache gets a 16 MiB tmpfs over
// it, already 80% full, and the hive itself is made to fill the rest with 1 MiB model uploads until the disk is
// full. Writes that fit are stored; once it is full they are answered 507 Insufficient Storage; the hive stays up
// and stores uploads again once the space comes back.
import { chaos, defineScenario, expect, runIfMain } from "../../sdk/index.ts";
import {
  alive,
  canFillDisk,
  diskFillPlace,
  HIVE,
  observer,
  removeModel,
  resourceChecks,
  timeUntil,
  upload,
} from "../_lib/resources.ts";

const UPLOADS = 12;

export const scenario = defineScenario({
  id: "stress-disk",
  name: "Disk exhaustion (the hive fills its own cache)",
  suite: "stress",
  category: "disk",
  roles: { backend: ["dataDir", "process", "api:rbee-hive"] },
  expected:
    "As uploads fill the hive's cache, the ones that fit are stored (201) and the rest are answered 507 Insufficient Storage; the hive does not crash and stores uploads again within 10 s of the space coming back",
  requires: [canFillDisk],
  // Space that comes back is usable at once: a service that needs longer has not recovered.
  recovery: { deadline: "15s" },
  duration: "10s",
  steps: async (ctx) => {
    const hive = ctx.system.service(HIVE);
    const handle = await ctx.apply(
      chaos.resource.disk
        .fill({ percent: 80 })
        .size(16 * 2 ** 20)
        .on(await diskFillPlace(ctx))
        .observe(observer(ctx, "disk")),
    );
    const hold = ctx.hold();
    const statuses: number[] = [];
    for (let i = 0; i < UPLOADS; i++) statuses.push(await upload(hive.url, `stress-disk-${i}`, 1));
    ctx.record("uploads", statuses);
    await hold;
    await handle.revert();
    ctx.record(
      "uploadBackMs",
      await timeUntil(
        async () => (await upload(hive.url, "stress-disk-after", 1)) === 201,
        10_000,
        ctx.signal,
      ),
    );
    for (let i = 0; i < UPLOADS; i++) await removeModel(hive.url, `stress-disk-${i}`);
    await removeModel(hive.url, "stress-disk-after");
    ctx.record("hiveAlive", await alive(hive.pid));
  },
  expect: [
    expect.custom(
      "uploads are stored until the disk is full, then answered 507",
      "201s, then only 507s (at least one of each)",
      (o) => {
        const s = (o.data.uploads ?? []) as number[];
        const first507 = s.indexOf(507);
        const ok =
          s.length > 0 &&
          first507 > 0 &&
          s.slice(0, first507).every((x) => x === 201) &&
          s.slice(first507).every((x) => x === 507);
        return { ok, observed: s.length ? s.join(" ") : "no uploads" };
      },
    ),
    resourceChecks.noCrash(HIVE, "hiveAlive"),
    resourceChecks.within("uploads are stored again once the space is back", "uploadBackMs", 10_000),
    expect.successRate("during", 0.95),
    expect.recovered(),
  ],
});

await runIfMain(import.meta, scenario);
