import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CleanupLedger } from "../../sdk/core/ledger.ts";
import { boundShell, type CommandRecord } from "../../sdk/testbed/shell.ts";

describe("a run's $", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-shell-"));
  const make = (signal = new AbortController().signal) => {
    const lines: string[] = [];
    const records: CommandRecord[] = [];
    const ledger = new CleanupLedger({ file: join(dir, "ledger.json") });
    const $ = boundShell({
      cwd: dir,
      signal,
      log: (l) => lines.push(l),
      ledger,
      onCommand: (r) => records.push(r),
    });
    return { $, lines, records, ledger };
  };

  it("runs in the run's folder, logs the command and its output, and records exit code and duration", async () => {
    const { $, lines, records } = make();
    const out = await $`pwd && echo ${"two words"}`;
    assert.equal(out.stdout, `${dir}\ntwo words\n`);
    assert.ok(lines.includes(`  ${dir}`) && lines.includes("  two words"), lines.join("\n"));
    assert.equal(records.length, 1);
    assert.equal(records[0].exitCode, 0);
    assert.ok(records[0].durationMs >= 0);
  });

  it("a failing command rejects and is recorded with its exit code", async () => {
    const { $, records } = make();
    await assert.rejects($`exit 3`);
    assert.equal(records[0].exitCode, 3);
  });

  it("is killed with its children when the run is interrupted", async () => {
    const ac = new AbortController();
    const { $ } = make(ac.signal);
    const marker = `sleep 37.${process.pid % 997}`;
    // -x: the whole command line, so that pgrep does not find its own shell
    const p = $`${marker.split(" ")} & wait`;
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    await assert.rejects(p);
    // The tree is killed asynchronously: give it a moment, then nothing may be left.
    let left = "?";
    for (let i = 0; i < 30 && left !== ""; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await make().$`pgrep -fx ${marker} || true`).stdout.trim();
    }
    assert.equal(left, "", "no child left");
  });

  it("a running command is in the ledger as its process group (for the watchdog) until it ends", async () => {
    const { $, ledger } = make();
    const p = $`sleep 0.5`;
    const onDisk = JSON.parse(readFileSync(join(dir, "ledger.json"), "utf8"));
    assert.equal(ledger.size, 1);
    assert.equal(onDisk.entries[0].reap.kind, "process");
    assert.equal(onDisk.entries[0].reap.group, true);
    assert.equal(typeof onDisk.entries[0].reap.pid, "number");
    await p;
    assert.equal(ledger.size, 0, "settled once it ended");
  });

  it("undo registers a revert in the ledger (mirrored for reap.ts), runs once, and settles", async () => {
    const { $, ledger } = make();
    const u = $.undo`echo reverted >> undo.txt`;
    assert.equal(ledger.size, 1);
    const onDisk = JSON.parse(readFileSync(join(dir, "ledger.json"), "utf8"));
    assert.equal(onDisk.entries[0].reap.kind, "shell");
    assert.equal(onDisk.entries[0].reap.cwd, dir);
    assert.equal(existsSync(join(dir, "undo.txt")), false, "not run when registered");
    await u.revert();
    await u.revert();
    assert.equal(readFileSync(join(dir, "undo.txt"), "utf8"), "reverted\n");
    assert.equal(ledger.size, 0);
  });

  it("the ledger's revertAll runs a pending undo (what Ctrl-C and the end of a testbed do)", async () => {
    const { $, ledger } = make();
    $.undo`echo by-ledger > by-ledger.txt`;
    assert.deepEqual(await ledger.revertAll(), []);
    assert.equal(readFileSync(join(dir, "by-ledger.txt"), "utf8"), "by-ledger\n");
  });
});
