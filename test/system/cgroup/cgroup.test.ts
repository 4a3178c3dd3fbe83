import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { FaultError, ValidationError } from "../../../sdk/core/errors.ts";
import { CleanupLedger } from "../../../sdk/core/ledger.ts";
import { CGROUP_PARENT, createCgroup, removeCgroupDirs } from "../../../sdk/system/cgroup/cgroup.ts";
import { cgroupSupport } from "../../../sdk/system/cgroup/cgroup-support.ts";

const support = cgroupSupport();
const skip = support.ok ? false : `cgroups unavailable: missing ${support.missing}`;
const unique = `t${process.pid}-${Date.now().toString(36)}`;

function memoryLine(pid: number): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n");
  return (
    lines.find((l) => (support.ok && support.version === 1 ? /:memory:/.test(l) : l.startsWith("0::"))) ?? ""
  );
}

describe("createCgroup: bad input", () => {
  it("lists every problem and creates nothing", async () => {
    await assert.rejects(createCgroup("a/b", { memoryMaxBytes: -5, cpuQuota: 0 }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ["name", "memoryMaxBytes", "cpuQuota"],
      );
      return true;
    });
  });
});

describe("createCgroup", { skip }, () => {
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill("SIGKILL");
  });

  async function sleeper(): Promise<number> {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    children.push(child);
    await new Promise((r) => child.once("spawn", r));
    return child.pid!;
  }

  it("applies limits, holds a pid, and on removal puts the pid back where it came from", async () => {
    const ledger = new CleanupLedger();
    const pid = await sleeper();
    const origin = memoryLine(pid);
    const cg = await createCgroup(`${unique}-limits`, {
      memoryMaxBytes: 64 * 1024 * 1024,
      cpuQuota: 0.5,
      ledger,
    });
    assert.equal(ledger.size, 1);
    if (cg.version === 1) {
      assert.equal(
        readFileSync(join(cg.path, "memory.limit_in_bytes"), "utf8").trim(),
        String(64 * 1024 * 1024),
      );
      const cpuDir = cg.dirs.find((d) => d.includes("/cpu/"));
      if (cpuDir) assert.equal(readFileSync(join(cpuDir, "cpu.cfs_quota_us"), "utf8").trim(), "50000");
    } else {
      assert.equal(readFileSync(join(cg.path, "memory.max"), "utf8").trim(), String(64 * 1024 * 1024));
    }
    await cg.addPid(pid);
    assert.deepEqual(await cg.pids(), [pid]);
    assert.match(memoryLine(pid), new RegExp(`/${CGROUP_PARENT}/${unique}-limits$`));
    await cg.setMemoryMax(undefined);
    const events = await cg.memoryEvents();
    assert.equal(events.oomKill, 0);
    await cg.remove();
    await cg.remove();
    assert.equal(memoryLine(pid), origin);
    for (const dir of cg.dirs) assert.equal(existsSync(dir), false, dir);
    assert.equal(ledger.size, 0);
  });

  it("removes everything it created when a limit cannot be applied", async () => {
    // 0.001 CPU is a 100 µs quota: the kernel refuses anything under 1 ms.
    const name = `${unique}-broken`;
    await assert.rejects(
      createCgroup(name, { memoryMaxBytes: 32 * 1024 * 1024, cpuQuota: 0.001 }),
      FaultError,
    );
    const roots =
      support.ok && support.version === 1
        ? [support.memoryRoot, support.cpuRoot]
        : [support.ok ? support.root : ""];
    for (const root of roots) if (root) assert.equal(existsSync(join(root, CGROUP_PARENT, name)), false);
  });

  it("is removed with a live process inside after the caller's code failed", async () => {
    const pid = await sleeper();
    const origin = memoryLine(pid);
    let path = "";
    await assert.rejects(async () => {
      const cg = await createCgroup(`${unique}-fails`);
      path = cg.path;
      try {
        await cg.addPid(pid);
        throw new Error("the scenario broke");
      } finally {
        await cg.remove();
      }
    }, /the scenario broke/);
    assert.equal(existsSync(path), false);
    assert.equal(memoryLine(pid), origin);
  });

  it("the reaper's removeCgroupDirs clears a cgroup left behind", async () => {
    const pid = await sleeper();
    const cg = await createCgroup(`${unique}-left`);
    await cg.addPid(pid);
    await removeCgroupDirs(cg.dirs);
    for (const dir of cg.dirs) assert.equal(existsSync(dir), false, dir);
    assert.doesNotMatch(memoryLine(pid), new RegExp(`${unique}-left`));
  });
});
