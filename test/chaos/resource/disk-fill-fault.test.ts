import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FILL_NAME } from "../../../sdk/chaos/resource/disk-fill-fault.ts";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { isMounted, testContext } from "./helpers.ts";

const skip = process.getuid?.() === 0 ? false : "mounting a tmpfs needs root";
const base = mkdtempSync(join(tmpdir(), "hs-disk-"));
after(() => rmSync(base, { recursive: true, force: true }));

describe("chaos.resource.disk.fill", () => {
  it("refuses relative or root directories and bad sizes, every problem at once", () => {
    assert.deepEqual(
      resource.disk
        .fill({ percent: 101 })
        .on("data")
        .size(10)
        .validate()
        .map((p) => p.path),
      ["on.dir", "percent", "size"],
    );
    assert.deepEqual(
      resource.disk
        .fill()
        .on("/")
        .validate()
        .map((p) => p.path),
      ["on.dir"],
    );
    assert.deepEqual(
      resource.disk
        .fill()
        .validate()
        .map((p) => p.path),
      ["on"],
    );
    assert.equal(
      resource.disk.fill().on("/var/cache/x").describe(),
      "disk: fill a 16.0 MiB tmpfs over /var/cache/x to 100%",
    );
  });

  it("fills a bounded tmpfs over the directory: writes fail with ENOSPC, the host disk is untouched", {
    skip,
  }, async () => {
    const dir = join(base, "cache");
    const hostBefore = statfsSync(base);
    const seen: ResourceObservation[] = [];
    const handle = await resource.disk
      .fill({ percent: 100 })
      .size(4 * 2 ** 20)
      .on(dir)
      .observe((o) => seen.push(o))
      .apply(testContext());
    try {
      assert.ok(isMounted(dir), "a tmpfs is mounted over the directory");
      const s = statfsSync(dir);
      assert.equal(s.blocks * s.bsize, 4 * 2 ** 20);
      assert.equal(s.bavail, 0);
      assert.throws(() => writeFileSync(join(dir, "model.bin"), Buffer.alloc(64 * 1024)), { code: "ENOSPC" });
      // The parent filesystem did not receive the fill (within a little noise from other writers).
      const hostNow = statfsSync(base);
      assert.ok(Math.abs(hostNow.bfree - hostBefore.bfree) * hostNow.bsize < 3 * 2 ** 20);
    } finally {
      await handle.revert();
    }
    assert.equal(isMounted(dir), false, "unmounted on revert");
    assert.deepEqual(readdirSync(dir), [], "no fill file left under the mount point");
    writeFileSync(join(dir, "model.bin"), "ok");
    assert.match(seen[0].how, /filled it to 100\.0%/);
  });

  it("fills to a percentage, leaving the rest free", { skip }, async () => {
    const dir = join(base, "half");
    const handle = await resource.disk
      .fill({ percent: 50 })
      .size(8 * 2 ** 20)
      .on(dir)
      .apply(testContext());
    try {
      const s = statfsSync(dir);
      const used = 1 - s.bavail / s.blocks;
      assert.ok(used > 0.45 && used < 0.56, `used ${used}`);
      assert.ok(readdirSync(dir).includes(FILL_NAME));
    } finally {
      await handle.revert();
    }
    assert.equal(isMounted(dir), false);
  });

  it("unmounts lazily when the directory is busy", { skip }, async () => {
    const dir = join(base, "busy");
    const handle = await resource.disk.fill({ percent: 10 }).on(dir).apply(testContext());
    const fd = openSync(join(dir, "held"), "w");
    try {
      await handle.revert();
      assert.equal(isMounted(dir), false);
    } finally {
      closeSync(fd);
    }
  });
});
