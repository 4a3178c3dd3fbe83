// The resource faults on a container: stress-ng started on the host and placed in the container's own cgroup
// (the image has no stress-ng), the OOM kill counted by Docker, the disk fill inside the container's --tmpfs or a
// tmpfs of ours in its mount namespace, its CPU quota and memory limit put back, descriptor limits on its app.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import { RESOURCE_REAPERS } from "../../../sdk/chaos/resource/reapers.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { groupAlive } from "../../../sdk/chaos/resource/stress-ng.ts";
import type { ReapRecord } from "../../../sdk/core/ledger.ts";
import { removeContainers, startContainer } from "../../../sdk/system/targets/docker-containers.ts";
import { dockerAvailability } from "../../../sdk/system/targets/docker-engine.ts";
import { DockerTarget } from "../../../sdk/system/targets/docker-target.ts";
import { buildNodeImage } from "../../../sdk/system/targets/node-image.ts";
import { cgroupOf, HOG, sleep, stressSkip, testContext } from "./helpers.ts";

const IMAGE = "hivestorm/node-test:local";
const runId = `re-test-${process.pid}-${Date.now().toString(36)}`;
const availability = await dockerAvailability();
const skip = availability.ok
  ? stressSkip("docker")
  : `${availability.reason}; start it with \`bash .ci/setup-docker.sh\``;

async function hog(name: string, options: { memoryBytes?: number } = {}) {
  const container = await startContainer({
    image: IMAGE,
    name: `${runId}-${name}`,
    cmd: ["node", "/app/hog.mjs"],
    env: { PORT: "0" },
    runId,
    tmpfs: { "/data": "size=8m" },
    memoryBytes: options.memoryBytes,
  });
  let port = 0;
  for (let i = 0; i < 200 && !port; i++) {
    const m = /"port":(\d+)/.exec((await container.logs({ stdout: true, stderr: true })).toString());
    if (m) port = Number(m[1]);
    else await sleep(50);
  }
  assert.ok(port, "the container printed its ready line");
  return {
    target: new DockerTarget({ container: `${runId}-${name}`, id: name }),
    url: `http://127.0.0.1:${port}`,
  };
}

describe("chaos.resource on a Docker container", { skip }, () => {
  before(async () => {
    await buildNodeImage({ tag: IMAGE, entries: [HOG] });
  });
  after(async () => {
    await removeContainers({ runId });
  });

  it("places stress-ng in the container's own cgroup and ends it on revert", async () => {
    const { target } = await hog("cpu");
    const pid = (await target.pid())!;
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .cpu({ load: 100 })
      .on(target)
      .observe((o) => seen.push(o))
      .apply(testContext());
    const stress = Number(seen[0].facts.pid);
    try {
      assert.match(cgroupOf(pid, "memory"), /docker/);
      assert.equal(cgroupOf(stress, "memory"), cgroupOf(pid, "memory"));
      assert.equal(cgroupOf(stress, "cpu"), cgroupOf(pid, "cpu"));
    } finally {
      await handle.revert();
    }
    assert.equal(groupAlive(stress), false);
    assert.equal(await target.isRunning(), true, "the container itself is untouched");
  });

  it("memory pressure past the container's limit OOM-kills its app; the old limit comes back", async () => {
    const { target, url } = await hog("memory", { memoryBytes: 512 * 2 ** 20 });
    await fetch(`${url}/alloc?mb=64`, { signal: AbortSignal.timeout(10_000) });
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .memory({ percent: 150 })
      .on(target)
      .observe((o) => seen.push(o))
      .apply(testContext());
    try {
      for (let i = 0; i < 150 && (await target.isRunning()); i++) await sleep(100);
      assert.equal(await target.isRunning(), false, "the container's app was killed");
    } finally {
      await handle.revert();
    }
    const info = await target.inspect();
    assert.equal(info?.State.OOMKilled, true);
    assert.equal(info?.HostConfig.Memory, 512 * 2 ** 20, "the container's own limit is back");
    // No assertion on the kernel's oom_kill count: it lives in the container's cgroup, which Docker may remove
    // as the container exits (read as 0 in one CI-like run). OOMKilled from inspect above is the evidence.
    assert.ok(seen.length > 0, "the fault reported what it did");
  });

  it("fills the container's own --tmpfs through /proc/<pid>/root, as it is", async () => {
    const { target } = await hog("disk");
    const pid = (await target.pid())!;
    const handle = await resource.disk
      .fill({ percent: 100 })
      .on({ dir: "/data", target })
      .apply(testContext());
    try {
      const r = await target.exec([
        "node",
        "-e",
        "require('fs').writeFileSync('/data/x', Buffer.alloc(65536))",
      ]);
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /ENOSPC/);
    } finally {
      await handle.revert();
    }
    const r = await target.exec([
      "node",
      "-e",
      "require('fs').writeFileSync('/data/x', Buffer.alloc(65536))",
    ]);
    assert.equal(r.exitCode, 0, r.stderr);
    assert.ok(readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes(" /data "));
  });

  it("mounts a bounded tmpfs over a folder that is not one, inside the container only, and takes it away", async () => {
    const { target } = await hog("disk-mount");
    const pid = (await target.pid())!;
    const write = () =>
      target.exec(["node", "-e", "require('fs').writeFileSync('/state/x', Buffer.alloc(65536))"]);
    const seen: ResourceObservation[] = [];
    const handle = await resource.disk
      .fill({ percent: 100 })
      .size(2 * 2 ** 20)
      .on({ dir: "/state", target })
      .observe((o) => seen.push(o))
      .apply(testContext());
    try {
      assert.match(readFileSync(`/proc/${pid}/mountinfo`, "utf8"), / \/state .* - tmpfs hivestorm-fill /);
      assert.ok(!readFileSync("/proc/self/mountinfo", "utf8").includes("hivestorm-fill"), "not on the host");
      const r = await write();
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /ENOSPC/);
      assert.match(seen[0].how, /inside container disk-mount .*mount namespace/);
    } finally {
      await handle.revert();
    }
    assert.ok(!readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes("hivestorm-fill"), "unmounted");
    const r = await write();
    assert.equal(r.exitCode, 0, r.stderr);
  });

  it("sets a CPU quota on a container without one and lifts it again", async () => {
    const { target } = await hog("cpu-quota");
    const handle = await resource.cpu({ load: 100 }).quota(0.5).on(target).apply(testContext());
    try {
      const h = (await target.inspect())!.HostConfig;
      assert.equal(h.CpuQuota, 50_000);
      assert.equal(h.CpuPeriod, 100_000);
    } finally {
      await handle.revert();
    }
    const h = (await target.inspect())!.HostConfig;
    assert.ok((h.CpuQuota ?? 0) <= 0, `no quota after the revert, found ${h.CpuQuota}`);
  });

  it("memory pressure on a container without a limit: the lowered limit is lifted again", async () => {
    const { target } = await hog("memory-unlimited");
    const pid = (await target.pid())!;
    const handle = await resource.memory({ percent: 50 }).on(target).apply(testContext());
    const during = (await target.inspect())!.HostConfig.Memory ?? 0;
    await handle.revert();
    const after = (await target.inspect())!.HostConfig.Memory ?? 0;
    const total = ((await new DockerTarget({ container: "x" }).docker.info()) as { MemTotal: number })
      .MemTotal;
    assert.ok(during > 0 && during < 512 * 2 ** 20, `a limit during the fault, found ${during}`);
    assert.equal(after, total, "no lower limit than the machine's memory after the revert");
    assert.equal(await target.isRunning(), true);
    const limit = Number(
      readFileSync(`/sys/fs/cgroup/memory${cgroupOf(pid, "memory")}/memory.limit_in_bytes`, "utf8"),
    );
    assert.ok(limit >= total, `the cgroup's own limit is lifted, found ${limit}`);
  });

  it("lowers the descriptor limit of the container's app, not of its init, and puts it back", async () => {
    const { target } = await hog("fds");
    const init = (await target.pid())!;
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .fds({ leave: 4 })
      .on(target)
      .observe((o) => seen.push(o))
      .apply(testContext());
    const app = Number(seen[0].facts.pid);
    const soft = (pid: number) =>
      /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))![1];
    const before = soft(init);
    try {
      assert.notEqual(app, init, "the app, not docker-init");
      assert.ok(Number(soft(app)) < 64, `lowered, found ${soft(app)}`);
      assert.equal(soft(init), before, "init untouched");
    } finally {
      await handle.revert();
    }
    assert.ok(soft(app) === "unlimited" || Number(soft(app)) >= 1024, `put back, found ${soft(app)}`);
  });

  it("a service name reaches the fault through the context's resolver", async () => {
    const { target } = await hog("by-name");
    const ctx = testContext();
    ctx.targets = async (selector) =>
      selector === "by-name" ? [{ id: "by-name", service: "by-name", state: "running", target }] : [];
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .cpu({ load: 10 })
      .on("by-name")
      .observe((o) => seen.push(o))
      .apply(ctx);
    try {
      assert.equal(cgroupOf(Number(seen[0].facts.pid), "cpu"), cgroupOf((await target.pid())!, "cpu"));
    } finally {
      await handle.revert();
    }
  });
  it("a killed run's container faults are undone from their ledger records alone", async () => {
    const { target } = await hog("reap");
    const pid = (await target.pid())!;
    const record = (ctx: ReturnType<typeof testContext>) => {
      const [entry] = ctx.ledger.entries();
      assert.ok(entry?.reap, "the fault left a reap record in the ledger");
      return JSON.parse(JSON.stringify(entry.reap)) as ReapRecord;
    };
    const stressCtx = testContext();
    const stress = await resource.memory({ percent: 50 }).on(target).apply(stressCtx);
    const diskCtx = testContext();
    const disk = await resource.disk
      .fill({ percent: 50 })
      .size(2 * 2 ** 20)
      .on({ dir: "/state", target })
      .apply(diskCtx);
    const fdsCtx = testContext();
    const fdSeen: ResourceObservation[] = [];
    const fds = await resource
      .fds({ leave: 4 })
      .on(target)
      .observe((o) => fdSeen.push(o))
      .apply(fdsCtx);
    const app = Number(fdSeen[0].facts.pid);
    const soft = () => /^Max open files\s+(\S+)/m.exec(readFileSync(`/proc/${app}/limits`, "utf8"))![1];
    const stressRecord = record(stressCtx);
    const hog0 = Number(stressRecord.pgid);
    const diskRecord = record(diskCtx);
    try {
      await RESOURCE_REAPERS["resource-stress"](stressRecord);
      await RESOURCE_REAPERS["resource-disk-fill"](diskRecord);
      await RESOURCE_REAPERS["resource-nofile"](record(fdsCtx));
      assert.equal(groupAlive(hog0), false, "the stressor is gone");
      const total = ((await target.docker.info()) as { MemTotal: number }).MemTotal;
      assert.equal((await target.inspect())!.HostConfig.Memory, total, "the memory limit is lifted");
      assert.ok(!readFileSync(`/proc/${pid}/mountinfo`, "utf8").includes("hivestorm-fill"), "unmounted");
      assert.ok(soft() === "unlimited" || Number(soft()) >= 1024, `descriptor limit back, found ${soft()}`);
    } finally {
      // The in-process reverts afterwards are harmless no-ops.
      await fds.revert();
      await disk.revert();
      await stress.revert();
    }
    // Once the container is gone, its records are reported gone (its limits and mounts went with it).
    await target.kill();
    await target.waitForExit(10_000);
    const outcome = await RESOURCE_REAPERS["resource-disk-fill"](diskRecord);
    assert.equal((outcome as { state?: string })?.state, "gone");
  });
});
