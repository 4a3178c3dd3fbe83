// --target docker's service containers against a real engine: a service and its replicas start on the host
// network, a replica that dies is started again, a foreign container's name is never taken, and stop removes all.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ServiceDefinition } from "../../sdk/system/definition.ts";
import { type DockerService, startDockerService } from "../../sdk/system/docker-services.ts";
import { dockerAvailability, dockerClient } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage, DEFAULT_IMAGE_TAG } from "../../sdk/system/targets/node-image.ts";

// Ports of the worker-chaos helper's range (2500 + 9300 ...), away from the suite's.
const BASE = 12_850;
const worker = (port: number) => ["node", "/app/worker.mjs", "--port", String(port), "--load-ms", "0"];
const def = (name: string): ServiceDefinition => ({
  url: `http://127.0.0.1:${BASE}`,
  startTimeout: "20s",
  docker: {
    image: DEFAULT_IMAGE_TAG,
    cmd: worker(BASE),
    replicas: { count: 2, name: `hs-test-${name}`, cmd: (slot) => worker(BASE + 1 + slot) },
  },
});

let skip: string | undefined;
const started: DockerService[] = [];
const docker = dockerClient();

before(async () => {
  const d = await dockerAvailability();
  if (!d.ok) {
    skip = `no Docker engine (${d.reason}): bash .ci/setup-docker.sh`;
    return;
  }
  await buildNodeImage({
    entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
  });
});

after(async () => {
  for (const s of started) await s.stop();
  await docker
    .getContainer("hivestorm-foreign-12850")
    .remove({ force: true })
    .catch(() => {});
});

const inspect = (name: string) => docker.getContainer(name).inspect();

describe("docker services", { timeout: 120_000 }, () => {
  it("starts the service and its replicas, starts a dead replica again, and stop removes them all", async (t) => {
    if (skip) return t.skip(skip);
    const logDir = mkdtempSync(join(tmpdir(), "hs-dsvc-"));
    const svc = await startDockerService("w", def("w"), { logDir, runId: "test-docker-services" });
    started.push(svc);
    assert.equal(svc.container, `hivestorm-w-${BASE}`);
    assert.deepEqual(svc.replicas, ["hs-test-w-0", "hs-test-w-1"]);
    // Replicas are not waited for (the runner's steady state is): poll replica 1 on the host network.
    let status = "";
    for (let i = 0; i < 100 && status !== "ok"; i++) {
      status = await fetch(`http://127.0.0.1:${BASE + 2}/health`)
        .then(async (r) => ((await r.json()) as { status: string }).status)
        .catch(() => "");
      if (status !== "ok") await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, "ok", "replica 1 answers on the host network");
    const first = await inspect("hs-test-w-0");
    await docker.getContainer("hs-test-w-0").kill({ signal: "SIGKILL" });
    let again = first;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      again = await inspect("hs-test-w-0");
      if (again.State.Running && again.State.StartedAt !== first.State.StartedAt) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(again.State.Running, true, "started again");
    assert.notEqual(again.State.StartedAt, first.State.StartedAt);
    assert.notEqual(again.State.Pid, first.State.Pid);
    await svc.stop();
    for (const name of [svc.container, ...svc.replicas])
      await assert.rejects(
        inspect(name),
        (e: { statusCode?: number }) => e.statusCode === 404,
        `${name} removed`,
      );
  });

  it("refuses to take the name of a container that is not hivestorm's", async (t) => {
    if (skip) return t.skip(skip);
    await docker.createContainer({
      name: "hivestorm-foreign-12850",
      Image: DEFAULT_IMAGE_TAG,
      Cmd: ["node", "-v"],
    });
    await assert.rejects(
      startDockerService("foreign", def("foreign"), { logDir: tmpdir(), runId: "test-docker-services" }),
      /a container named hivestorm-foreign-12850 exists and is not hivestorm's/,
    );
    assert.equal((await inspect("hivestorm-foreign-12850")).Name, "/hivestorm-foreign-12850", "left alone");
  });
});
