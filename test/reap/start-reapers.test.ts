// The reapers of what a run started: processes are stopped only when they are the very ones recorded.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { processStartTime } from "../../sdk/core/process-identity.ts";
import { reapableKinds, reapRecord } from "../../sdk/reap/registry.ts";
import { killGroup, sleeperGroup, tempDir, until } from "./helpers.ts";

describe("start reapers", () => {
  it("registers every kind a run records", () => {
    for (const kind of [
      "process",
      "container",
      "temp-folder",
      "mount",
      "cgroup",
      "prlimit",
      "toxiproxy-proxy",
      "toxiproxy-toxics",
      "toxiproxy-enable",
      "resource-nofile",
      "process-paused",
      "resource-stress",
    ])
      assert.ok(reapableKinds().includes(kind), kind);
  });

  it("stops a recorded process group, the members that outlived their leader too", async () => {
    const g = sleeperGroup();
    try {
      await until(() => g.members().length === 3, 2000);
      const outcome = await reapRecord(
        { kind: "process", pid: g.pid, startTime: g.startTime, group: true },
        { graceMs: 500 },
      );
      assert.equal(outcome.state, "reverted");
      assert.deepEqual(g.members(), []);
    } finally {
      killGroup(g.pid);
    }
  });

  it("never signals a reused pid: another start time is a stranger", async () => {
    const g = sleeperGroup();
    try {
      const outcome = await reapRecord(
        { kind: "process", pid: g.pid, startTime: "1", group: false },
        { graceMs: 100 },
      );
      assert.equal(outcome.state, "gone");
      assert.match(outcome.note ?? "", /belongs to another process, left alone/);
      assert.equal(processStartTime(g.pid), g.startTime, "still alive");
    } finally {
      killGroup(g.pid);
    }
  });

  it("says a process that already exited is gone", async () => {
    const outcome = await reapRecord({ kind: "process", pid: 2 ** 22 + 777, startTime: "5", group: true });
    assert.equal(outcome.state, "gone");
    assert.match(outcome.note ?? "", /had already exited/);
  });

  it("removes a temp folder, and says when it was already removed", async () => {
    const dir = join(tempDir(), "work");
    mkdirSync(join(dir, "a"), { recursive: true });
    assert.equal((await reapRecord({ kind: "temp-folder", path: dir })).state, "reverted");
    assert.equal(existsSync(dir), false);
    assert.equal((await reapRecord({ kind: "temp-folder", path: dir })).state, "gone");
  });

  it("says the toxics of a Toxiproxy that is not running went with it", async () => {
    const outcome = await reapRecord({
      kind: "toxiproxy-toxics",
      url: "http://127.0.0.1:1",
      proxy: "hive",
      toxics: ["t"],
    });
    assert.equal(outcome.state, "gone");
    assert.match(outcome.note ?? "", /not running: its proxies and toxics went with it/);
  });

  it("refuses an unknown kind, listing the known ones", async () => {
    await assert.rejects(
      reapRecord({ kind: "quantum-flux" }),
      /no reaper for records of kind "quantum-flux"; known: .*process/,
    );
  });
});
