import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chaosContext } from "../../sdk/chaos/context.ts";
import { network } from "../../sdk/chaos/network/index.ts";
import { addToxic } from "../../sdk/chaos/toxiproxy-client.ts";
import { HivestormError } from "../../sdk/core/errors.ts";
import { makeScope, runScope, within } from "../../sdk/core/run-scope.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { type Testbed, testbed } from "../../sdk/testbed/testbed.ts";
import { alive, ECHO_SERVER, portBlock, portOpen, timedGet } from "./ports.ts";

// The embedded Toxiproxy, whatever the environment says.
delete process.env.TOXIPROXY_URL;
const P = portBlock(0);
const [PROXY, APP, SIDE, HUNG] = [P, P + 1, P + 2, P + 3];
const dir = mkdtempSync(join(tmpdir(), "hivestorm-testbed-"));
const ledgerFile = join(dir, "ledger.json");

const system: SystemDefinition = {
  name: "two echoes",
  services: {
    app: {
      command: [process.execPath, ECHO_SERVER, String(APP), "app"],
      url: `http://127.0.0.1:${APP}`,
      proxy: { listen: `127.0.0.1:${PROXY}` },
      stopGrace: "2s",
    },
    side: { command: [process.execPath, ECHO_SERVER, String(SIDE), "side"], url: `http://127.0.0.1:${SIDE}` },
  },
  traffic: { service: "app", path: "/", method: "GET" },
};

function open(
  o: { system?: SystemDefinition; signal?: AbortSignal; logs?: string[] } = {},
): Promise<Testbed> {
  return testbed({
    config: o.system ?? system,
    name: "the test system",
    root: dir,
    logDir: join(dir, "logs"),
    ledgerFile,
    handleSignals: false,
    signal: o.signal,
    log: (l) => o.logs?.push(l),
  });
}

/** The embedded Toxiproxy's port, from the testbed's log line. */
const toxiproxyPort = (bed: Testbed) => Number(new URL(bed.toxiproxy.url).port);

describe("Testbed", () => {
  let bed: Testbed;
  before(async () => {
    bed = await open();
  });
  after(async () => {
    await bed?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts every service and the proxy; url() goes through the proxy, directUrl() around it", async () => {
    assert.equal(bed.url("app"), `http://127.0.0.1:${PROXY}`);
    assert.equal(bed.directUrl("app"), `http://127.0.0.1:${APP}`);
    assert.equal(bed.url("side"), `http://127.0.0.1:${SIDE}`, "no proxy, its own address");
    assert.equal((await timedGet(`${bed.url("app")}/`)).text, "app");
    assert.equal(bed.toxiproxy.embedded, true);
    assert.ok(alive(bed.services.app.pid) && alive(bed.services.side.pid));
    assert.deepEqual(
      (await bed.health()).map((s) => [s.service, s.ok]),
      [
        ["app", true],
        ["side", true],
      ],
    );
    assert.throws(
      () => bed.url("nope"),
      (e: unknown) =>
        e instanceof HivestormError &&
        /no service "nope" in the test system/.test(e.message) &&
        e.details.expected === "one of app, side",
    );
  });

  it("its scope is the ambient one, and the one within() runs in", async () => {
    assert.equal(chaosContext(), bed.chaos);
    assert.equal(runScope(), bed.scope);
    const inner = makeScope({ timeScale: 0.5 });
    within(inner, () => {
      assert.equal(runScope(), inner, "a run's own scope wins over the ambient testbed");
      bed.within(() => assert.equal(chaosContext(), bed.chaos));
    });
    assert.equal(bed.timeScale, 1);
  });

  it("steady() resolves once the traffic is served, and names the request that fails while the proxy is down", async () => {
    await bed.steady({ timeout: "20s" });
    const fault = await network.down().on("app").apply();
    try {
      await assert.rejects(
        () => bed.steady({ timeout: "1s" }),
        (e: unknown) =>
          e instanceof HivestormError &&
          e.code === "E_NOT_STEADY" &&
          /GET http:\/\/127\.0\.0\.1:\d+\/ answered/.test(e.message),
      );
    } finally {
      await fault.revert();
    }
    await bed.steady({ timeout: "20s" });
  });

  it("a fault applied without a context acts on the ambient testbed: felt through the proxy, then reverted", async () => {
    assert.ok((await timedGet(`${bed.url("app")}/`)).ms < 250, "fast before the fault");
    // The ledger also holds what the testbed started (its services' process groups): the fault is one more.
    const started = bed.ledger.size;
    const fault = await network.latency(300).on("app").apply();
    try {
      const slow = await timedGet(`${bed.url("app")}/`);
      assert.equal(slow.text, "app");
      assert.ok(slow.ms >= 290, `${slow.ms} ms through the proxy with 300 ms latency`);
      assert.ok((await timedGet(`${bed.directUrl("app")}/`)).ms < 250, "the service itself is not slowed");
      assert.ok(existsSync(ledgerFile), "the applied fault is in the on-disk ledger");
      assert.equal(bed.ledger.size, started + 1);
      assert.ok(readFileSync(ledgerFile, "utf8").includes("latency 300ms on app"));
    } finally {
      await fault.revert();
    }
    assert.ok((await timedGet(`${bed.url("app")}/`)).ms < 250, "fast again after the revert");
    assert.equal(bed.ledger.size, started, "only what the testbed started is left in the ledger");
    assert.ok(
      !readFileSync(ledgerFile, "utf8").includes("latency 300ms on app"),
      "the fault is gone from the file",
    );
  });

  it("restore() restarts a SIGKILLed service and resets its proxy, saying why", async () => {
    const pid = bed.services.app.pid!;
    // A toxic nobody reverts (as a killed fault leaves it): restore must take it away with the dead process.
    await addToxic(bed.toxiproxy.url, bed.toxiproxy.proxies.app, {
      ...{ name: "left-behind", type: "latency", stream: "downstream", toxicity: 1 },
      attributes: { latency: 2000 },
    });
    process.kill(pid, "SIGKILL");
    await new Promise((r) => setTimeout(r, 200));
    const restored = await bed.restore("WC-001");
    assert.deepEqual(restored, [{ service: "app", why: `its process (pid ${pid}) exited`, ok: true }]);
    const now = bed.services.app.pid!;
    assert.notEqual(now, pid);
    assert.ok(alive(now));
    const r = await timedGet(`${bed.url("app")}/`);
    assert.equal(r.text, "app");
    assert.ok(r.ms < 1000, `${r.ms} ms: the left-behind toxic was removed`);
    assert.deepEqual(await bed.restore("WC-002"), [], "nothing to do when all is well");
    assert.equal(bed.down.size, 0);
  });

  it("close() reverts what is applied, stops every process and port, removes the ledger file; twice is fine", async () => {
    const b = bed;
    const pids = [b.services.app.pid, b.services.side.pid];
    const tp = toxiproxyPort(b);
    await network.latency(100).on("app").apply();
    assert.ok(existsSync(ledgerFile));
    await b.close();
    await b.close();
    assert.equal(existsSync(ledgerFile), false, "no ledger left");
    for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} stopped`);
    for (const port of [PROXY, APP, SIDE, tp])
      assert.equal(await portOpen(port), false, `port ${port} closed`);
    assert.equal(b.signal.aborted, true, "the testbed's runs are told to stop");
    await assert.rejects(
      async () => network.latency(100).on("app").apply(),
      /no testbed/,
      "no ambient testbed left",
    );
  });

  it("start-up aborted through the signal stops what was started and rejects promptly", async () => {
    const hung: SystemDefinition = {
      ...system,
      services: {
        ...system.services,
        // Never answers its health probe: start-up waits on it until aborted.
        hung: {
          command: [process.execPath, "-e", "setInterval(() => {}, 1000)"],
          url: `http://127.0.0.1:${HUNG}`,
          startTimeout: "60s",
        },
      },
    };
    const ac = new AbortController();
    const logs: string[] = [];
    const opening = open({ system: hung, signal: ac.signal, logs });
    // Abort once the first two services are up and the third is being waited for.
    while (!logs.some((l) => l.startsWith("starting hung"))) await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    ac.abort();
    await assert.rejects(opening, (e: unknown) => e instanceof HivestormError && e.code === "E_ABORTED");
    const took = Date.now() - t0;
    assert.ok(took < 5000, `rejected ${took} ms after the abort`);
    const url = logs.map((l) => /toxiproxy embedded .* at (\S+)/.exec(l)?.[1]).find(Boolean);
    assert.ok(url, logs.join("\n"));
    for (const port of [PROXY, APP, SIDE, Number(new URL(url).port)])
      assert.equal(await portOpen(port), false, `port ${port} closed`);
  });

  it("a signal already aborted starts nothing and rejects at once", async () => {
    const logs: string[] = [];
    const t0 = Date.now();
    let opened: Testbed | undefined;
    const error = await open({ signal: AbortSignal.abort(), logs }).then(
      (b) => {
        opened = b;
      },
      (e: unknown) => e,
    );
    await opened?.close();
    assert.equal(opened, undefined, "no testbed opened on an aborted signal");
    assert.ok(error instanceof HivestormError && error.code === "E_ABORTED", String(error));
    assert.ok(Date.now() - t0 < 5000);
    assert.deepEqual(logs, [], "neither the Toxiproxy nor a service was started");
  });
});
