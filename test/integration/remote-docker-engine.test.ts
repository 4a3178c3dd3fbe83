// A service on a Docker engine of its own (`docker: { host, port }`), reached over TCP as a remote engine is:
// the test puts a TCP → unix-socket relay of its own on loopback in front of this machine's dockerd (a real
// socket pair; dockerd itself listens on the socket only), and points DOCKER_HOST at a closed port, so that
// anything that fell back to the default engine would fail. The container is started, killed, restarted and
// removed through the relay; the ledger's records name that engine, and the reaper reaches it.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chaos } from "../../sdk/index.ts";
import { reapRecord } from "../../sdk/reap/registry.ts";
import { HIVESTORM_LABEL, startContainer } from "../../sdk/system/targets/docker-containers.ts";
import { dockerAvailability, dockerClient, dockerFor } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage, DEFAULT_IMAGE_TAG } from "../../sdk/system/targets/node-image.ts";
import { testbed } from "../../sdk/testbed/testbed.ts";
import { portOpen, shifted } from "./run-all-child.ts";

const SOCKET = "/var/run/docker.sock";
// Ports of their own (12 900 + the checkout's shift): other tests run at the same time.
const PORT = shifted(12_900);
const local = dockerClient({ socketPath: SOCKET });

/** Relays connections and notes each request line ("POST /v1.41/containers/x/kill"): the proof that a call went to the "remote" engine. */
class Relay {
  readonly requests: string[] = [];
  readonly #server: Server;
  readonly #open = new Set<Socket>();
  constructor() {
    this.#server = createServer((client) => {
      const engine = connect(SOCKET);
      client.on("data", (chunk: Buffer) => {
        for (const m of chunk
          .toString("latin1")
          .matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]\r$/gm))
          this.requests.push(`${m[1]} ${m[2].replace(/^\/v[\d.]+/, "")}`);
      });
      for (const s of [client, engine]) {
        this.#open.add(s);
        s.once("close", () => this.#open.delete(s));
        s.once("error", () => {
          client.destroy();
          engine.destroy();
        });
      }
      client.pipe(engine);
      engine.pipe(client);
    });
  }
  async listen(): Promise<number> {
    await new Promise<void>((r) => this.#server.listen(0, "127.0.0.1", r));
    return (this.#server.address() as { port: number }).port;
  }
  async close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    await new Promise((r) => this.#server.close(r));
  }
}

const relay = new Relay();
let relayPort = 0;
let skip: string | undefined;
const savedDockerHost = process.env.DOCKER_HOST;

before(async () => {
  const d = await dockerAvailability(local);
  if (!d.ok) {
    skip = `no Docker engine (${d.reason}): bash .ci/setup-docker.sh`;
    return;
  }
  await buildNodeImage({
    entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
    docker: local,
  });
  relayPort = await relay.listen();
  // A closed port: the default engine answers nothing while the test runs.
  process.env.DOCKER_HOST = "tcp://127.0.0.1:9";
});

after(async () => {
  if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = savedDockerHost;
  await relay.close();
  for (const name of [`hivestorm-w-${PORT}`, `hs-remote-reap-${PORT}`])
    await local
      .getContainer(name)
      .remove({ force: true })
      .catch(() => {});
});

/** Whether the relay carried a request of this method whose path starts with `path`. */
const sent = (method: string, path: string) => relay.requests.some((r) => r.startsWith(`${method} ${path}`));

const state = async (name: string) => (await local.getContainer(name).inspect()).State;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} within ${timeoutMs} ms`);
}

describe("a service on its own Docker engine over TCP", { timeout: 180_000 }, () => {
  it("starts, kills, restarts and removes its container through that engine only", async (t) => {
    if (skip) return t.skip(skip);
    const dir = mkdtempSync(join(tmpdir(), "hs-remote-engine-"));
    const ledgerFile = join(dir, "ledger.json");
    const container = `hivestorm-w-${PORT}`;
    const bed = await testbed({
      config: {
        name: "a service on a remote engine",
        services: {
          w: {
            url: `http://127.0.0.1:${PORT}`,
            proxy: { listen: `127.0.0.1:${PORT + 1}` },
            startTimeout: "60s",
            stopGrace: "1s",
            docker: {
              image: DEFAULT_IMAGE_TAG,
              cmd: ["node", "/app/worker.mjs", "--port", String(PORT), "--load-ms", "0"],
              host: "127.0.0.1",
              port: relayPort,
            },
          },
        },
        traffic: { service: "w", method: "GET", path: "/health" },
      },
      target: "docker",
      ...{ ledgerFile, logDir: join(dir, "logs"), runId: `remote-engine-${PORT}` },
      ...{ handleSignals: false, ambient: false, log: () => {} },
    });
    try {
      assert.equal(bed.services_.running.w?.container, container);
      assert.equal(
        (await state(container)).Running,
        true,
        "the container runs on the engine behind the relay",
      );
      assert.ok(sent("POST", `/containers/create?name=${container}&`), relay.requests.join("\n"));
      const ledger = JSON.parse(readFileSync(ledgerFile, "utf8")) as { entries: { reap: object }[] };
      assert.deepEqual(
        ledger.entries.map((e) => e.reap),
        [{ kind: "container", name: container, engine: { host: "127.0.0.1", port: relayPort } }],
        "the ledger names the engine, for a reaper",
      );

      const kill = await bed.within(() => chaos.process.kill("w").apply());
      await until("the container exits", async () => !(await state(container)).Running);
      await kill.revert();
      assert.ok(sent("POST", `/containers/${container}/kill`), relay.requests.join("\n"));

      const restart = await bed.within(() => chaos.process.restart("w", { grace: "1s" }).apply());
      await restart.revert();
      await until(
        "the restarted service answers",
        async () => (await fetch(`http://127.0.0.1:${PORT}/health`)).ok,
      );
      assert.equal((await state(container)).Running, true);
      assert.ok(sent("POST", `/containers/${container}/restart`), relay.requests.join("\n"));
    } finally {
      await bed.close();
    }
    await assert.rejects(
      local.getContainer(container).inspect(),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
    assert.equal(await portOpen(PORT), false, "nothing answers on the service's port");
  });

  it("the reaper removes a recorded container on the engine its record names", async (t) => {
    if (skip) return t.skip(skip);
    const name = `hs-remote-reap-${PORT}`;
    const remote = dockerFor({ host: "127.0.0.1", port: relayPort });
    await startContainer({
      image: DEFAULT_IMAGE_TAG,
      name,
      cmd: ["node", "-e", "setTimeout(() => {}, 300_000)"],
      docker: remote,
    });
    assert.equal((await local.getContainer(name).inspect()).Config.Labels[HIVESTORM_LABEL], "1");
    const outcome = await reapRecord({
      kind: "container",
      name,
      engine: { host: "127.0.0.1", port: relayPort },
    });
    assert.equal(outcome.state, "reverted", JSON.stringify(outcome));
    assert.ok(sent("DELETE", `/containers/${name}`), relay.requests.join("\n"));
    await assert.rejects(
      local.getContainer(name).inspect(),
      (e: { statusCode?: number }) => e.statusCode === 404,
    );
  });
});
