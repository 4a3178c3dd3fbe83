// A run's ledger: a dead run's is reaped first, a live run's refused, and when the owner dies however it
// dies (SIGKILL, process.exit(), a crash) its watchdog stops what it recorded within the dead-man bound.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { groupMembers, isSameProcess, processStartTime } from "../../sdk/core/process-identity.ts";
import { openRunLedger } from "../../sdk/reap/run-ledger.ts";
import { DEAD_OWNER, killGroup, sleeperGroup, tempDir, until } from "./helpers.ts";

/** The dead-man bound the watchdog promises (docs/cleanup.md). */
const BOUND_MS = 2000;
const OWNER = join(import.meta.dirname, "fixtures/run-owner.ts");

function owner(file: string, mode: string) {
  const child = spawn(process.execPath, ["--import", "tsx", OWNER, file, mode], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (d) => {
    err += d;
  });
  const ready = new Promise<number>((ok, fail) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /ready (\d+)/.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once("exit", (code) => fail(new Error(`owner exited ${code} before ready: ${err}`)));
  });
  const exit = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  return { child, ready, exit, out: () => out, err: () => err };
}

describe("openRunLedger", () => {
  for (const mode of ["hang", "exit", "throw"])
    it(`the watchdog stops what a run recorded when it dies (${mode === "hang" ? "SIGKILL" : mode === "exit" ? "process.exit()" : "uncaught exception"})`, async () => {
      const file = join(tempDir(), "ledger.json");
      const o = owner(file, mode);
      const group = await o.ready;
      try {
        assert.ok(groupMembers(group).length > 0);
        const t0 = Date.now();
        if (mode === "hang") o.child.kill("SIGKILL");
        await o.exit;
        const ms = await until(() => groupMembers(group).length === 0 && !existsSync(file), BOUND_MS);
        process.stdout.write(
          `# dead-man bound (${mode}): ${ms ?? `> ${BOUND_MS}`} ms after the owner's death\n`,
        );
        assert.ok(
          ms !== undefined,
          `left after ${BOUND_MS} ms: group ${groupMembers(group).join(",")}, ledger ${existsSync(file)}`,
        );
        assert.ok(Date.now() - t0 < 10_000);
      } finally {
        killGroup(group);
      }
    });

  it("a clean close stops the watchdog and removes the ledger", async () => {
    const file = join(tempDir(), "ledger.json");
    const o = owner(file, "close");
    await o.ready;
    assert.equal(await o.exit, 0);
    assert.match(o.out(), /closed/);
    assert.equal(existsSync(file), false);
  });

  it("reaps a dead run's ledger first, and says so", async () => {
    const g = sleeperGroup();
    const file = join(tempDir(), "ledger.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        owner: DEAD_OWNER,
        entries: [
          {
            id: "1",
            description: "service queen",
            appliedAt: 0,
            reap: { kind: "process", pid: g.pid, startTime: g.startTime, group: true },
          },
        ],
      }),
    );
    const lines: string[] = [];
    try {
      const ledger = await openRunLedger({ root: tempDir(), file, log: (l) => lines.push(l) });
      assert.match(lines.join("\n"), /a previous run \(pid \d+\) died leaving 1 entry .*settling them first/);
      assert.match(lines.join("\n"), /reverted: service queen/);
      assert.deepEqual(groupMembers(g.pid), []);
      const onDisk = JSON.parse(readFileSync(file, "utf8"));
      assert.equal(onDisk.owner.pid, process.pid);
      assert.ok(onDisk.watchdog && isSameProcess(onDisk.watchdog), "the watchdog runs");
      await ledger.close();
      assert.equal(existsSync(file), false);
      assert.equal(isSameProcess(onDisk.watchdog), false, "and stops on close");
    } finally {
      killGroup(g.pid);
    }
  });

  it("refuses a ledger a live run owns, and never touches it", async () => {
    const file = join(tempDir(), "ledger.json");
    const live = {
      version: 2,
      owner: { pid: process.ppid, startTime: processStartTime(process.ppid) },
      entries: [],
    };
    writeFileSync(file, JSON.stringify(live));
    await assert.rejects(openRunLedger({ root: tempDir(), file }), /a live run \(pid \d+.*\) owns/);
    assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), live);
  });

  it("refuses a dead run's ledger it cannot settle, with the exact command", async () => {
    const root = tempDir();
    const file = join(root, "ledger.json");
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        owner: DEAD_OWNER,
        entries: [{ id: "1", description: "odd", appliedAt: 0, reap: { kind: "quantum-flux" } }],
      }),
    );
    await assert.rejects(
      openRunLedger({ root, file, log: () => {} }),
      /could not be settled[\s\S]*npx tsx scripts\/reap\.ts --ledger ledger\.json/,
    );
    assert.equal(JSON.parse(readFileSync(file, "utf8")).entries.length, 1, "never overwritten");
  });
});
