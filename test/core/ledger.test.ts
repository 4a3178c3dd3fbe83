import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CleanupLedger } from "../../sdk/core/ledger.ts";

describe("CleanupLedger", () => {
  it("reverts newest first and forgets what it reverted", async () => {
    const ledger = new CleanupLedger();
    const order: string[] = [];
    ledger.add({ description: "a", revert: async () => void order.push("a") });
    ledger.add({ description: "b", revert: async () => void order.push("b") });
    assert.equal(ledger.size, 2);
    assert.deepEqual(await ledger.revertAll(), []);
    assert.deepEqual(order, ["b", "a"]);
    assert.equal(ledger.size, 0);
  });

  it("keeps going after a failing revert and reports it", async () => {
    const ledger = new CleanupLedger();
    const order: string[] = [];
    ledger.add({ description: "first", revert: async () => void order.push("first") });
    ledger.add({
      description: "broken",
      revert: async () => {
        throw new Error("boom");
      },
    });
    const failures = await ledger.revertAll();
    assert.deepEqual(order, ["first"]);
    assert.equal(failures.length, 1);
    assert.equal(failures[0].description, "broken");
    assert.equal(ledger.size, 1, "the failed entry stays open for a reaper");
  });

  it("mirrors reapable entries to disk and removes the file when all are settled", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ledger-")), "ledger.json");
    const ledger = new CleanupLedger({ file });
    const id = ledger.add({
      description: "latency on hive",
      revert: async () => {},
      reap: { kind: "toxiproxy-toxic", url: "http://127.0.0.1:8474", proxy: "hive", toxic: "t1" },
    });
    ledger.add({ description: "in-process only", revert: async () => {} });
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(onDisk.entries.length, 1);
    assert.equal(onDisk.entries[0].reap.kind, "toxiproxy-toxic");
    assert.equal(onDisk.owner.pid, process.pid);
    ledger.settle(id);
    assert.equal(existsSync(file), false);
  });

  it("keeps the owner apart from a record that names a target's pid", () => {
    const file = join(mkdtempSync(join(tmpdir(), "ledger-")), "ledger.json");
    const ledger = new CleanupLedger({ file });
    ledger.add({
      description: "descriptor limit on queen",
      revert: async () => {},
      reap: { kind: "resource-nofile", pid: 4242, soft: 1024, hard: 4096 },
    });
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    assert.equal(onDisk.owner.pid, process.pid);
    assert.equal(onDisk.entries[0].reap.pid, 4242);
    assert.match(String(onDisk.owner.startTime), /^\d+$/);
  });

  it("never overwrites a ledger another process left: it writes beside it", () => {
    const dir = mkdtempSync(join(tmpdir(), "ledger-"));
    const file = join(dir, "ledger.json");
    const stale = {
      version: 2,
      owner: { pid: 999999, startTime: "1" },
      entries: [
        { id: "x", description: "left", appliedAt: 0, reap: { kind: "temp-folder", path: "/nonexistent" } },
      ],
    };
    writeFileSync(file, JSON.stringify(stale));
    const ledger = new CleanupLedger({ file });
    ledger.add({ description: "mine", revert: async () => {}, reap: { kind: "temp-folder", path: "/x" } });
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), stale);
    assert.equal(ledger.file, join(dir, `ledger.${process.pid}.json`));
    assert.equal(JSON.parse(readFileSync(ledger.file, "utf8")).entries[0].description, "mine");
  });
});
