import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { after, afterEach, describe, it } from "node:test";
import { FaultError, PrerequisiteError, TimeoutError, ValidationError } from "../../../sdk/core/errors.ts";
import { CleanupLedger } from "../../../sdk/core/ledger.ts";
import { CGROUP_PARENT, listHivestormCgroups } from "../../../sdk/system/cgroup/cgroup.ts";
import { cgroupSupport, OomUnsupportedError } from "../../../sdk/system/cgroup/cgroup-support.ts";
import { ProcessTarget } from "../../../sdk/system/targets/process-target.ts";
import { get, HOG, readyPort, sleep, spawnHog } from "../fixtures/hog.ts";

const started: ProcessTarget[] = [];
async function hog(id: string, env: Record<string, string> = {}, ledger?: CleanupLedger) {
  const h = await spawnHog(id, env, ledger);
  started.push(h.target);
  return h;
}

afterEach(async () => {
  for (const t of started.splice(0)) {
    if (await t.isRunning()) await t.stop({ graceMs: 0 });
  }
});

describe("ProcessTarget: signals", () => {
  it("delivers the signal it is asked to send, and reports the target gone afterwards", async () => {
    const { target } = await hog("kill-int");
    assert.equal(await target.status(), "running");
    assert.equal(typeof (await target.pid()), "number");
    await target.kill("SIGINT");
    const exit = await target.waitForExit(5000);
    assert.deepEqual(exit, { code: null, signal: "SIGINT" });
    assert.equal(await target.isRunning(), false);
    assert.equal(await target.pid(), undefined);
    await assert.rejects(target.kill(), FaultError);
  });

  it("kills with SIGKILL by default", async () => {
    const { target } = await hog("kill-default", { HOG_TERM: "ignore" });
    await target.kill();
    assert.equal((await target.waitForExit(5000))?.signal, "SIGKILL");
  });

  it("pause really stops progress and resume restarts it; the undo is idempotent and leaves the ledger", async () => {
    const ledger = new CleanupLedger();
    const { target, url } = await hog("pause", {}, ledger);
    await sleep(100);
    const before = Number(await get(`${url}/count`));
    const undo = await target.pause();
    assert.equal(await target.status(), "paused");
    assert.equal(ledger.size, 1);
    await sleep(500);
    await undo.revert();
    await undo.revert();
    assert.equal(undo.reverted, true);
    assert.equal(ledger.size, 0);
    const justAfter = Number(await get(`${url}/count`));
    // 500 ms at one tick per 20 ms would be ~25 ticks; a stopped process makes at most a couple (timer catch-up).
    assert.ok(justAfter - before <= 8, `progress while paused: ${before} → ${justAfter}`);
    await sleep(300);
    const later = Number(await get(`${url}/count`));
    assert.ok(later - justAfter >= 5, `no progress after resume: ${justAfter} → ${later}`);
    assert.equal(await target.status(), "running");
  });
});

describe("ProcessTarget: undo as a disposable", () => {
  it("await using resumes the process when the block ends", async () => {
    const { target } = await hog("using");
    {
      await using paused = await target.pause();
      assert.equal(await target.status(), "paused");
      assert.equal(paused.reverted, false);
    }
    assert.equal(await target.status(), "running");
  });
});

describe("ProcessTarget: graceful stop", () => {
  it("is not forced when the process exits within the grace period", async () => {
    const { target } = await hog("stop-clean", { HOG_TERM_DELAY_MS: "150" });
    const r = await target.stop({ graceMs: 5000 });
    assert.equal(r.forced, false);
    assert.equal(r.exitCode, 0);
    assert.ok(r.exitedAfterMs >= 100 && r.exitedAfterMs < 5000, `exited after ${r.exitedAfterMs} ms`);
  });

  it("is forced with SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const { target } = await hog("stop-forced", { HOG_TERM: "ignore" });
    const r = await target.stop({ graceMs: 400 });
    assert.equal(r.forced, true);
    assert.equal(r.exitSignal, "SIGKILL");
    assert.ok(r.exitedAfterMs >= 400, `exited after ${r.exitedAfterMs} ms`);
  });

  it("continues a paused process so that it can handle SIGTERM", async () => {
    const { target } = await hog("stop-paused", { HOG_TERM_DELAY_MS: "50" });
    await target.pause();
    const r = await target.stop({ graceMs: 5000 });
    assert.equal(r.forced, false);
    assert.equal(r.exitCode, 0);
  });

  it("restart starts the same command again under a new pid", async () => {
    const { target } = await hog("restart");
    const first = await target.pid();
    await target.restart({ graceMs: 2000 });
    const port = await readyPort(target);
    assert.notEqual(await target.pid(), first);
    assert.equal(await get(`http://127.0.0.1:${port}/health`), "ok");
  });
});

describe("ProcessTarget: attached pids", () => {
  const children: ReturnType<typeof spawn>[] = [];
  after(() => {
    for (const c of children) c.kill("SIGKILL");
  });

  it("pauses, stops and reports a process it did not start, but refuses to restart it", async () => {
    const child = spawn(process.execPath, [HOG], {
      stdio: "pipe",
      env: { ...process.env, HOG_TERM: "ignore" },
    });
    children.push(child);
    // Ready means its SIGTERM handler is in place.
    await new Promise((r) => child.stdout.once("data", r));
    const target = await ProcessTarget.attach({ id: "attached", pid: child.pid! });
    assert.match(target.describe(), /attached: .*hog\.mjs/);
    await target.pause();
    assert.equal(await target.status(), "paused");
    await target.resume();
    assert.equal(await target.status(), "running");
    await assert.rejects(target.restart(), /hivestorm did not start it/);
    const r = await target.stop({ graceMs: 200 });
    assert.equal(r.forced, true);
    assert.equal(await target.isRunning(), false);
  });

  it("refuses a pid that is not running", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.once("exit", r));
    await assert.rejects(ProcessTarget.attach({ id: "gone", pid: child.pid! }), FaultError);
  });
});

describe("ProcessTarget: bad input", () => {
  it("lists every problem of a spawn", async () => {
    await assert.rejects(ProcessTarget.spawn({ id: "bad id/", command: "" }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ["id", "command"],
      );
      return true;
    });
    await assert.rejects(ProcessTarget.attach({ id: "x", pid: -4 }), ValidationError);
  });

  it("names a missing command as a prerequisite", async () => {
    await assert.rejects(
      ProcessTarget.spawn({ id: "missing", command: "/nonexistent/hivestorm-binary" }),
      (e: unknown) => e instanceof PrerequisiteError && /hivestorm-binary/.test(e.message),
    );
  });

  it("validates stop options", async () => {
    const { target } = await hog("stop-bad");
    await assert.rejects(target.stop({ graceMs: -1 }), ValidationError);
  });
});

const support = cgroupSupport();
const noCgroups = support.ok ? false : `no cgroups for OOM: missing ${support.missing}`;
const memoryRoot = support.ok ? (support.version === 1 ? support.memoryRoot : support.root) : "";

describe("ProcessTarget: OOM", { skip: noCgroups }, () => {
  it("is OOM-killed for real in a memory cgroup, with the evidence read back and the cgroup removed", async () => {
    const ledger = new CleanupLedger();
    const { target, url } = await hog("oom-me", {}, ledger);
    const pid = (await target.pid())!;
    const result = await target.oom({ provoke: () => get(`${url}/alloc?mb=512`, 20_000), timeoutMs: 20_000 });
    assert.equal(result.oomKilled, true, result.evidence.join("; "));
    assert.equal(result.exitSignal, "SIGKILL");
    assert.match(result.method, /^cgroup-v[12]-memory/);
    assert.match(result.evidence[0], /oom_kill 0 → [1-9]/);
    assert.match(result.evidence[1], /^peak usage /);
    assert.match(result.how, new RegExp(`moved pid ${pid} into`));
    assert.ok(result.limitBytes >= 32 * 1024 * 1024);
    assert.equal(existsSync(`${memoryRoot}/${CGROUP_PARENT}/oom-oom-me-${pid}`), false);
    assert.ok(!(await listHivestormCgroups(memoryRoot)).includes(`oom-oom-me-${pid}`));
    assert.equal(ledger.size, 0);
  });

  it("takes the target's descendants along: behind a wrapper the child that allocates is killed", async () => {
    const wrapper = [
      "const c = require('node:child_process').spawn(process.execPath, [process.argv[1]], { stdio: 'inherit' });",
      "c.on('exit', (code, signal) => process.exit(signal ? 137 : code));",
    ].join(" ");
    const target = await ProcessTarget.spawn({
      id: "oom-wrapped",
      command: process.execPath,
      args: ["-e", wrapper, HOG],
      stdio: "pipe",
    });
    started.push(target);
    const port = await readyPort(target);
    const result = await target.oom({
      provoke: () => get(`http://127.0.0.1:${port}/alloc?mb=512`, 20_000),
      timeoutMs: 20_000,
    });
    assert.equal(result.oomKilled, true, result.evidence.join("; "));
    assert.match(result.how, /and its 1 descendant\(s\)/);
    assert.equal(result.exitCode, 137);
  });

  it("times out when the target does not allocate, and puts it back where it was", async () => {
    const { target } = await hog("oom-idle");
    const pid = (await target.pid())!;
    const cgroupsBefore = readFileSync(`/proc/${pid}/cgroup`, "utf8");
    await assert.rejects(target.oom({ timeoutMs: 400 }), (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.match(e.message, /pass provoke/);
      return true;
    });
    assert.equal(await target.status(), "running");
    assert.equal(readFileSync(`/proc/${pid}/cgroup`, "utf8"), cgroupsBefore);
    assert.equal(existsSync(`${memoryRoot}/${CGROUP_PARENT}/oom-oom-idle-${pid}`), false);
  });

  it("validates its options before touching anything", async () => {
    const { target } = await hog("oom-bad");
    await assert.rejects(target.oom({ headroomBytes: -1, timeoutMs: 0 }), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.problems.length, 2);
      return true;
    });
  });
});

describe("OOM support detection", () => {
  it("names what is missing on a machine without a memory cgroup", async () => {
    const s = cgroupSupport("/nonexistent-cgroup-mount");
    assert.equal(s.ok, false);
    if (!s.ok) {
      const e = new OomUnsupportedError("process worker-1", s.missing);
      assert.ok(e instanceof PrerequisiteError);
      assert.match(e.message, /cannot OOM-kill process worker-1 on this machine: missing/);
    }
  });
});
