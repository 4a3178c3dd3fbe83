// Settling a dead run's ledger file: what is applied is reverted, what died is said, only the unsettled stays.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { processStartTime } from "../../sdk/core/process-identity.ts";
import { settleLedgerFile } from "../../sdk/reap/settle-ledger.ts";
import { procStatus } from "../../sdk/system/targets/proc.ts";
import { DEAD_OWNER, killGroup, sleeperGroup, tempDir } from "./helpers.ts";

const entry = (id: string, description: string, reap: Record<string, unknown>) => ({
  id,
  description,
  appliedAt: 0,
  reap,
});

describe("settleLedgerFile", () => {
  it("settles a dead run's entries, processes first, and removes the file", async () => {
    const g = sleeperGroup();
    const dir = tempDir();
    const file = join(dir, "ledger.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        owner: DEAD_OWNER,
        entries: [
          entry("1", "service hive", { kind: "process", pid: g.pid, startTime: g.startTime, group: true }),
          entry("2", "latency on hive", {
            kind: "toxiproxy-toxics",
            url: "http://127.0.0.1:1",
            proxy: "hive",
            toxics: ["x"],
          }),
          entry("3", "scratch folder", { kind: "temp-folder", path: join(dir, "scratch") }),
        ],
      }),
    );
    const lines: string[] = [];
    try {
      const r = await settleLedgerFile(file, { log: (l) => lines.push(l), graceMs: 500 });
      assert.equal(r.left.length, 0);
      assert.deepEqual(
        r.settled.map((s) => [s.entry.id, s.outcome.state]),
        [
          ["1", "reverted"],
          ["3", "gone"],
          ["2", "gone"],
        ],
      );
      assert.match(
        lines.join("\n"),
        /gone: latency on hive: the Toxiproxy at http:\/\/127\.0\.0\.1:1 is not running/,
      );
      assert.equal(existsSync(file), false);
      assert.deepEqual(g.members(), []);
    } finally {
      killGroup(g.pid);
    }
  });

  it("leaves a live owner's ledger alone (unless forced)", async () => {
    const file = join(tempDir(), "ledger.json");
    const owner = { pid: process.ppid, startTime: processStartTime(process.ppid) };
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        owner,
        entries: [entry("1", "x", { kind: "temp-folder", path: "/nonexistent-hs" })],
      }),
    );
    const r = await settleLedgerFile(file);
    assert.equal(r.ownerAlive, true);
    assert.equal(existsSync(file), true);
    assert.equal((await settleLedgerFile(file, { force: true })).settled.length, 1);
  });

  it("reads a version-1 ledger whose record's pid (a paused target) clashed with the owner's, and settles it", async () => {
    // The old format mixed the owner's pid and the record's: a paused target looked like a live owner.
    const target = spawn("sleep", ["300"], { stdio: "ignore" });
    try {
      process.kill(target.pid!, "SIGSTOP");
      const file = join(tempDir(), "ledger.json");
      writeFileSync(
        file,
        JSON.stringify({
          version: 1,
          entries: [{ id: "1", description: "pause queen", pid: target.pid, kind: "process-paused" }],
        }),
      );
      const r = await settleLedgerFile(file);
      assert.equal(r.ownerAlive, false);
      assert.equal(r.left.length, 0);
      assert.equal(await procStatus(target.pid!), "running");
    } finally {
      target.kill("SIGKILL");
    }
  });

  it("keeps what it cannot settle, and a dry run changes nothing", async () => {
    const file = join(tempDir(), "ledger.json");
    const ledger = {
      version: 2,
      owner: DEAD_OWNER,
      entries: [
        entry("1", "from the future", { kind: "quantum-flux" }),
        entry("2", "folder", { kind: "temp-folder", path: "/nonexistent-hs" }),
      ],
    };
    writeFileSync(file, JSON.stringify(ledger));
    const lines: string[] = [];
    await settleLedgerFile(file, { dryRun: true, log: (l) => lines.push(l) });
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), ledger);
    assert.match(lines.join("\n"), /would settle: folder \(temp-folder, path \/nonexistent-hs\)/);
    const r = await settleLedgerFile(file);
    assert.equal(r.left.length, 1);
    assert.deepEqual(
      JSON.parse(readFileSync(file, "utf8")).entries.map((e: { id: string }) => e.id),
      ["1"],
    );
  });
});
