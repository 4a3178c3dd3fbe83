import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createChaosContext } from "../../../sdk/chaos/context.ts";
import { applyFault } from "../../../sdk/chaos/fault.ts";
import { programOf, ShellFault } from "../../../sdk/chaos/shell/shell-fault.ts";
import { FaultError } from "../../../sdk/core/errors.ts";
import { CleanupLedger } from "../../../sdk/core/ledger.ts";
import { reapRecord } from "../../../sdk/reap/registry.ts";

describe("shell faults", () => {
  const dir = mkdtempSync(join(tmpdir(), "hs-shellfault-"));
  const ctx = () => createChaosContext({ ledger: new CleanupLedger(), cwd: dir });

  it("validate both commands; a dry run finds a program that does not exist", () => {
    assert.deepEqual(
      new ShellFault("", " ").validate().map((p) => p.path),
      ["run", "revert"],
    );
    assert.deepEqual(new ShellFault("touch x", "rm -f x").planProblems({}, dir), []);
    const p = new ShellFault("no-such-tool --stop", "FOO=1 ./missing.sh").planProblems({}, dir);
    assert.deepEqual(
      p.map((x) => x.path),
      ["run", "revert"],
    );
    assert.match(p[0].message, /no-such-tool: no such command/);
    assert.equal(programOf("A=1 B=2 systemctl stop x"), "systemctl");
  });

  it("apply runs the command in the testbed's folder; revert runs the other; the ledger holds it meanwhile", async () => {
    const c = ctx();
    const h = await applyFault(new ShellFault("echo on > state", "echo off > state"), c);
    assert.equal(readFileSync(join(dir, "state"), "utf8"), "on\n");
    assert.equal(c.ledger.size, 1);
    await h.revert();
    assert.equal(readFileSync(join(dir, "state"), "utf8"), "off\n");
    assert.equal(c.ledger.size, 0);
  });

  it("a failing apply runs the revert and says what failed, leaving nothing in the ledger", async () => {
    const c = ctx();
    await assert.rejects(
      applyFault(new ShellFault("echo half > half; echo boom >&2; exit 4", "rm -f half"), c),
      (e: unknown) => e instanceof FaultError && /exit 4/.test(e.message) && /boom/.test(e.message),
    );
    assert.equal(existsSync(join(dir, "half")), false);
    assert.equal(c.ledger.size, 0);
  });

  it("reap.ts reverts a shell record from another process", async () => {
    await reapRecord({ kind: "shell", cmd: "echo reaped > reaped", cwd: dir });
    assert.equal(readFileSync(join(dir, "reaped"), "utf8"), "reaped\n");
  });
});
