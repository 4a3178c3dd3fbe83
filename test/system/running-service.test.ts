// startService with real processes: a held port is refused before anything is spawned, the started group is
// recorded in the ledger until stopped, and an abort stops what was started at once.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CleanupLedger } from "../../sdk/core/ledger.ts";
import { isSameProcess } from "../../sdk/core/process-identity.ts";
import { startService } from "../../sdk/system/running-service.ts";

const logDir = () => mkdtempSync(join(tmpdir(), "hs-svc-"));
const listen = (port = 0) =>
  new Promise<Server>((ok) => {
    const s = createServer();
    s.listen(port, "127.0.0.1", () => ok(s));
  });
const portOf = (s: Server) => (s.address() as { port: number }).port;
/** A free port: bound, then released. */
async function freePort(): Promise<number> {
  const s = await listen();
  const port = portOf(s);
  await new Promise((r) => s.close(r));
  return port;
}
// A tiny HTTP server on PORT that answers /health, in its own process.
const server = (port: number, delayMs = 0) => [
  process.execPath,
  "-e",
  `setTimeout(() => require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1"), ${delayMs})`,
];

describe("startService", () => {
  it("refuses a port already held, naming the holder's pid, before spawning", async () => {
    const holder = await listen();
    try {
      const port = portOf(holder);
      await assert.rejects(
        startService(
          "queen",
          { command: ["sleep", "30"], url: `http://127.0.0.1:${port}` },
          { cwd: ".", logDir: logDir() },
        ),
        (e: Error) => {
          assert.match(e.message, new RegExp(`port ${port} of service queen`));
          assert.match(e.message, new RegExp(`pid ${process.pid}`));
          assert.match(e.message, /scripts\/reap\.ts/);
          return true;
        },
      );
    } finally {
      holder.close();
    }
  });

  it("records the started process group in the ledger until it is stopped", async () => {
    const port = await freePort();
    const ledger = new CleanupLedger();
    const svc = await startService(
      "queen",
      { command: server(port), url: `http://127.0.0.1:${port}` },
      { cwd: ".", logDir: logDir(), ledger },
    );
    const [entry] = ledger.entries();
    assert.equal(entry.reap?.kind, "process");
    assert.equal(entry.reap?.pid, svc.pid);
    assert.equal(entry.reap?.group, true);
    assert.ok(isSameProcess({ pid: svc.pid!, startTime: entry.reap?.startTime as string }));
    await svc.stop();
    assert.equal(ledger.size, 0);
    assert.equal(isSameProcess({ pid: svc.pid!, startTime: entry.reap?.startTime as string }), false);
  });

  it("stops what it started and rejects at once when aborted while waiting for health", async () => {
    const port = await freePort();
    const ledger = new CleanupLedger();
    const controller = new AbortController();
    const started = startService(
      "hive",
      { command: server(port, 60_000), url: `http://127.0.0.1:${port}`, startTimeout: "30s" },
      { cwd: ".", logDir: logDir(), ledger, signal: controller.signal },
    );
    await new Promise((r) => setTimeout(r, 500));
    const pid = Number(ledger.entries()[0]?.reap?.pid);
    const t0 = Date.now();
    controller.abort();
    await assert.rejects(started, (e: Error & { code?: string }) => e.code === "E_ABORTED");
    assert.ok(Date.now() - t0 < 3000, `rejected after ${Date.now() - t0} ms`);
    assert.equal(ledger.size, 0);
    assert.throws(() => process.kill(pid, 0), "the child is gone");
  });

  it("names a command that does not exist", async () => {
    const port = await freePort();
    await assert.rejects(
      startService(
        "worker",
        { command: ["no-such-binary-hs"], url: `http://127.0.0.1:${port}` },
        { cwd: ".", logDir: logDir() },
      ),
      /could not be started: no-such-binary-hs: spawn no-such-binary-hs ENOENT/,
    );
  });
});
