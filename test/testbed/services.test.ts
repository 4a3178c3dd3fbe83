import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { HivestormError } from "../../sdk/core/errors.ts";
import type { ServiceDefinition, SystemDefinition } from "../../sdk/system/definition.ts";
import { ServiceSet } from "../../sdk/testbed/services.ts";
import { alive, ECHO_SERVER, portBlock, portOpen } from "./ports.ts";

const P = portBlock(1);
const dir = mkdtempSync(join(tmpdir(), "hivestorm-services-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const echo = (port: number, name: string): ServiceDefinition => ({
  command: [process.execPath, ECHO_SERVER, String(port), name],
  url: `http://127.0.0.1:${port}`,
  stopGrace: "2s",
});
const system = (services: Record<string, ServiceDefinition>): SystemDefinition => ({
  name: "s",
  services,
  traffic: { service: Object.keys(services)[0], path: "/" },
});
function set(services: Record<string, ServiceDefinition>, signal = new AbortController().signal) {
  const logs: string[] = [];
  const s = new ServiceSet(system(services), {
    ...{ root: dir, logDir: join(dir, "logs"), runId: "t", target: "process" },
    ...{ log: (l: string) => logs.push(l), signal },
  });
  return { s, logs };
}

describe("ServiceSet", () => {
  it("starts in declaration order, reports health, stops everything", async () => {
    const { s, logs } = set({ b: echo(P, "b"), a: echo(P + 1, "a") });
    await s.startAll();
    try {
      assert.deepEqual(
        logs.map((l) => l.split(":")[0]),
        ["starting b", "starting a"],
      );
      assert.deepEqual(await s.health(), [
        { service: "b", ok: true },
        { service: "a", ok: true },
      ]);
    } finally {
      await s.stopAll();
    }
    assert.equal(await portOpen(P), false);
    assert.equal(await portOpen(P + 1), false);
    assert.equal(s.running.a, undefined);
  });

  it("a killed process is found by its pid; restart() brings it back under a new one", async () => {
    const { s } = set({ a: echo(P + 2, "a") });
    await s.startAll();
    try {
      const pid = s.running.a?.pid as number;
      process.kill(pid, "SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(await s.health(), [
        { service: "a", ok: false, why: `its process (pid ${pid}) exited` },
      ]);
      await s.restart("a");
      assert.notEqual(s.running.a?.pid, pid);
      assert.ok(alive(s.running.a?.pid));
      assert.deepEqual(await s.health(), [{ service: "a", ok: true }]);
    } finally {
      await s.stopAll();
    }
  });

  it("a service it did not start is probed, never stopped; a bad answer is the reason", async () => {
    let status = 200;
    const server = createServer((_q, r) => r.writeHead(status).end());
    await new Promise<void>((r) => server.listen(P + 3, "127.0.0.1", r));
    try {
      const { s, logs } = set({ ext: { url: `http://127.0.0.1:${P + 3}` }, gone: echo(P + 4, "gone") });
      await s.startAll();
      assert.match(logs[0], /starting ext \(already running at http:\/\/127\.0\.0\.1:\d+\)/);
      status = 503;
      await s.stopAll();
      const h = await s.health();
      assert.deepEqual(h[0], { service: "ext", ok: false, why: "answered 503" });
      assert.equal(h[1].ok, false);
      assert.match(h[1].why ?? "", /ECONNREFUSED|fetch failed|refused/i);
      assert.equal(await portOpen(P + 3), true, "the service it found running is left running");
    } finally {
      server.close();
    }
  });

  it("when one fails to start, what was started is stopped and the error names it", async () => {
    const { s } = set({
      first: echo(P + 5, "first"),
      broken: { command: [process.execPath, "-e", "process.exit(3)"], url: `http://127.0.0.1:${P + 6}` },
    });
    await assert.rejects(s.startAll(), (e: unknown) => {
      assert.ok(e instanceof HivestormError);
      assert.equal(e.code, "E_SERVICE_START");
      assert.match(e.message, /service broken exited while starting \(code 3/);
      return true;
    });
    assert.equal(await portOpen(P + 5), false, "the first service was stopped again");
    assert.equal(s.running.first, undefined);
  });

  it("an aborted signal starts nothing", async () => {
    const { s, logs } = set({ a: echo(P + 7, "a") }, AbortSignal.abort(new Error("interrupted")));
    await assert.rejects(s.startAll(), /interrupted/);
    assert.deepEqual(logs, []);
    assert.equal(await portOpen(P + 7), false);
  });

  it("an abort while a service is being waited for stops it and what came before, at once", async () => {
    const ac = new AbortController();
    const { s } = set(
      {
        first: echo(P + 8, "first"),
        // Never answers its health probe.
        hung: {
          command: [process.execPath, "-e", "setInterval(() => {}, 1000)"],
          url: `http://127.0.0.1:${P + 9}`,
          startTimeout: "60s",
        },
      },
      ac.signal,
    );
    const starting = s.startAll();
    while (!s.running.first) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    ac.abort(new Error("start-up interrupted"));
    await assert.rejects(starting, /start-up interrupted/);
    assert.ok(Date.now() - t0 < 5000, `rejected ${Date.now() - t0} ms after the abort`);
    assert.equal(await portOpen(P + 8), false);
  });
});
