import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  alive,
  http,
  json,
  logLines,
  type Service,
  sleep,
  startService,
  tempDir,
  waitFor,
} from "./helpers.ts";

interface Listed {
  id: string;
  url: string;
  pid: number;
  state: string;
  inflight: number;
  lastHeartbeat: string;
}

const started: Service[] = [];
after(async () => {
  // SIGTERM first so that a hive takes its workers down with it.
  await Promise.all(started.map((s) => s.kill("SIGTERM")));
});
async function hive(
  args: string[],
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<Service> {
  const s = await startService(
    "hive",
    args,
    { WORKER_LOAD_MS: "100", WORKER_TOKEN_DELAY_MS: "10", ...env },
    prefix,
  );
  started.push(s);
  return s;
}
async function worker(hiveUrl: string, args: string[] = []): Promise<Service> {
  const s = await startService("worker", [
    "--hive-url",
    hiveUrl,
    "--load-ms",
    "100",
    "--token-delay-ms",
    "10",
    ...args,
  ]);
  started.push(s);
  return s;
}
const list = async (url: string) =>
  json<{ workers: Listed[] }>(await http("GET", `${url}/v1/workers`)).workers;
const ready = async (url: string, n: number) =>
  waitFor(async () => {
    const ws = await list(url);
    return ws.filter((w) => w.state === "ready").length >= n ? ws : undefined;
  }, 20_000);
const infer = (url: string, maxTokens = 3) =>
  http("POST", `${url}/v1/infer`, { prompt: "hive", max_tokens: maxTokens });

// The four groups use separate processes, so they run side by side to keep the file quick.
describe("hive", { concurrency: true, timeout: 120_000 }, () => {
  describe("hive with --spawn 2", { concurrency: 1, timeout: 90_000 }, () => {
    let h: Service;
    let logDir: string;
    before(async () => {
      logDir = tempDir("demo-hive-");
      h = await hive(["--spawn", "2", "--worker-base-port", "0", "--log-dir", logDir]);
      assert.ok(await ready(h.url, 2), "two workers ready");
    });

    test("lists its workers and counts them in health", async () => {
      const ws = await list(h.url);
      assert.equal(ws.length, 2);
      for (const w of ws) {
        assert.match(w.id, /^worker-\d+$/);
        assert.match(w.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.ok(alive(w.pid));
        assert.equal(w.inflight, 0);
        assert.ok(Date.now() - Date.parse(w.lastHeartbeat) < 3000);
      }
      const health = json<{ status: string; workers: { ready: number } }>(
        await http("GET", `${h.url}/health`),
      );
      assert.equal(health.status, "ok");
      assert.equal(health.workers.ready, 2);
    });

    test("routes concurrent streams to the least-loaded worker", async () => {
      const [a, b] = await Promise.all([infer(h.url, 20), infer(h.url, 20)]);
      assert.equal(a.status, 200);
      assert.notEqual(a.headers["x-rbee-worker"], b.headers["x-rbee-worker"]);
    });

    test("retries on another worker when the chosen one has no VRAM", async () => {
      const [full] = await list(h.url);
      await http("POST", `${full.url}/v1/debug/vram`, { mb: 1 << 20 });
      try {
        const replies = [];
        for (let i = 0; i < 6; i++) replies.push(await infer(h.url, 1));
        assert.deepEqual(
          replies.map((r) => r.status),
          [200, 200, 200, 200, 200, 200],
        );
        assert.ok(replies.every((r) => r.headers["x-rbee-worker"] !== full.id));
      } finally {
        await http("DELETE", `${full.url}/v1/debug/vram`);
      }
    });

    test("evicts a SIGKILLed worker within 3 s, never lists it again, and replaces it", async () => {
      const [victim] = await list(h.url);
      process.kill(victim.pid, "SIGKILL");
      const t0 = Date.now();
      assert.ok(await waitFor(async () => !(await list(h.url)).some((w) => w.id === victim.id), 3000));
      const evictedMs = Date.now() - t0;
      const ws = await ready(h.url, 2);
      assert.ok(ws, "replacement ready");
      assert.ok(ws.every((w) => w.id !== victim.id && w.pid !== victim.pid));
      for (let i = 0; i < 4; i++) assert.equal((await infer(h.url, 1)).status, 200);
      const evicted = logLines(join(logDir, "hive.jsonl")).find(
        (l) => l.event === "worker_evicted" && l.worker === victim.id,
      );
      assert.ok(evicted, `evicted in ${evictedMs} ms and logged`);
      assert.equal(typeof evicted.reason, "string");
    });

    test("evicts a hung (SIGSTOPped) worker on missed heartbeats, kills and replaces it", async () => {
      const [victim] = await list(h.url);
      process.kill(victim.pid, "SIGSTOP");
      try {
        // Heartbeat deadline 2.5 s, plus room for a crowded machine.
        assert.ok(await waitFor(async () => !(await list(h.url)).some((w) => w.id === victim.id), 5000));
        assert.ok(await waitFor(() => !alive(victim.pid), 3000), "the hung process is killed");
        assert.ok(await ready(h.url, 2));
        const line = logLines(join(logDir, "hive.jsonl")).find(
          (l) => l.event === "worker_evicted" && l.worker === victim.id,
        );
        assert.match(String(line?.reason), /heartbeat missed|health check failed/);
      } finally {
        if (alive(victim.pid)) process.kill(victim.pid, "SIGKILL");
      }
    });

    test("writes one JSON log file per service", () => {
      const files = readdirSync(logDir);
      assert.ok(files.includes("hive.jsonl"));
      assert.ok(files.filter((f) => /^worker-\d+\.jsonl$/.test(f)).length >= 4);
      const line = logLines(join(logDir, "hive.jsonl"))[0];
      assert.ok(line.ts && line.service === "hive" && line.event === "hive_started");
    });
  });

  describe("hive without --spawn", { concurrency: 1, timeout: 60_000 }, () => {
    let h: Service;
    let cacheDir: string;
    let mounted = false;
    before(async () => {
      cacheDir = mkdtempSync(join(tmpdir(), "demo-cache-"));
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=3m", "tmpfs", cacheDir], { stdio: "ignore" });
        mounted = true;
      } catch {}
      h = await hive(["--cache-dir", cacheDir]);
    });
    after(() => {
      if (mounted) execFileSync("umount", ["-l", cacheDir], { stdio: "ignore" });
      rmSync(cacheDir, { recursive: true, force: true });
    });

    test("with no ready worker answers 503 with Retry-After", async () => {
      const r = await infer(h.url);
      assert.equal(r.status, 503);
      assert.equal(r.headers["retry-after"], "1");
      assert.equal(json(r).error, "no ready worker");
      assert.equal(json(await http("GET", `${h.url}/health`)).status, "degraded");
    });

    test("removes a worker killed while loading within 3 s", async () => {
      const w = await worker(h.url, ["--load-ms", "60000"]);
      const listed = await waitFor(async () => (await list(h.url)).find((x) => x.pid === w.pid), 5000);
      assert.equal(listed?.state, "loading");
      await w.kill("SIGKILL");
      const t0 = Date.now();
      assert.ok(await waitFor(async () => !(await list(h.url)).some((x) => x.pid === w.pid), 3000));
      assert.ok(Date.now() - t0 <= 3000);
    });

    test("model cache: writes a model, validates names", async () => {
      const ok = await http("POST", `${h.url}/v1/models/tiny`, { size_mb: 1 });
      assert.equal(ok.status, 201);
      assert.equal(json(ok).bytes, 1 << 20);
      assert.ok(existsSync(join(cacheDir, "tiny")));
      const raw = await http("POST", `${h.url}/v1/models/raw.bin`, "x".repeat(5000), 5000, {
        "content-type": "application/octet-stream",
      });
      assert.equal(raw.status, 201);
      assert.equal(json(raw).bytes, 5000);
      assert.equal((await http("DELETE", `${h.url}/v1/models/raw.bin`)).status, 200);
      const bad = await http("POST", `${h.url}/v1/models/..oops`, { size_mb: -2 });
      assert.equal(bad.status, 400);
      assert.equal(json<{ problems: string[] }>(bad).problems.length, 2);
    });

    test("disk full: 507 Insufficient Storage, no partial file, and the hive keeps serving", async (t) => {
      if (!mounted) return t.skip("cannot mount a small tmpfs here");
      const r = await http("POST", `${h.url}/v1/models/huge`, { size_mb: 8 });
      assert.equal(r.status, 507);
      assert.equal(json(r).error, "insufficient storage");
      assert.deepEqual(readdirSync(cacheDir).sort(), ["tiny"]);
      const health = json<{ status: string; cache: { state: string } }>(await http("GET", `${h.url}/health`));
      assert.equal(health.cache.state, "full");
      assert.equal((await http("GET", `${h.url}/v1/workers`)).status, 200);
      assert.equal((await http("DELETE", `${h.url}/v1/models/tiny`)).status, 200);
      assert.equal((await http("POST", `${h.url}/v1/models/small`, { size_mb: 1 })).status, 201);
    });
  });

  describe("hive bug switches", { concurrency: 1, timeout: 60_000 }, () => {
    test("no-eviction and no-retry: a dead worker stays listed, failures reach the client", async () => {
      const h = await hive(["--bug", "no-eviction", "--bug", "no-retry"]);
      const a = await worker(h.url);
      const b = await worker(h.url);
      assert.ok(await ready(h.url, 2));
      await http("POST", `${a.url}/v1/debug/vram`, { mb: 1 << 20 });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await infer(h.url, 1)).status);
      assert.ok(statuses.includes(503), `no-retry lets the full worker's 503 through: ${statuses}`);
      await a.kill("SIGKILL");
      await sleep(3500);
      assert.ok(
        (await list(h.url)).some((w) => w.pid === a.pid),
        "no-eviction keeps the dead worker listed",
      );
      const after = [];
      for (let i = 0; i < 6; i++) after.push((await infer(h.url, 1)).status);
      assert.ok(after.includes(502), `requests routed to the dead worker fail: ${after}`);
      await b.kill("SIGTERM");
    });

    test("crash-on-enospc: the hive crashes instead of answering 507", async (t) => {
      const dir = mkdtempSync(join(tmpdir(), "demo-cache-"));
      try {
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
      } catch {
        return t.skip("cannot mount a small tmpfs here");
      }
      try {
        const h = await hive(["--cache-dir", dir, "--bug", "crash-on-enospc"]);
        await http("POST", `${h.url}/v1/models/huge`, { size_mb: 4 }).catch(() => undefined);
        const exit = await Promise.race([h.exited, sleep(5000).then(() => undefined)]);
        assert.ok(exit && exit.code !== 0, `the hive crashed: ${JSON.stringify(exit)}`);
      } finally {
        execFileSync("umount", ["-l", dir], { stdio: "ignore" });
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("hive out of file descriptors", { concurrency: 1, timeout: 60_000 }, () => {
    /** Opens `n` connections; those the hive cannot accept are reset or closed by it. */
    async function flood(url: string, n: number): Promise<Socket[]> {
      const { port } = new URL(url);
      const sockets: Socket[] = [];
      for (let i = 0; i < n; i++) {
        const s = connect(Number(port), "127.0.0.1");
        s.on("error", () => undefined);
        sockets.push(s);
      }
      await sleep(800);
      return sockets;
    }

    test("survives EMFILE on accept and serves again when descriptors come back", async () => {
      const dir = tempDir("demo-emfile-");
      mkdirSync(dir, { recursive: true });
      const h = await hive(["--log-file", join(dir, "hive.jsonl")], {}, ["prlimit", "--nofile=64:64", "--"]);
      const sockets = await flood(h.url, 150);
      assert.ok(alive(h.pid), "still running while out of descriptors");
      for (const s of sockets) s.destroy();
      assert.ok(
        await waitFor(
          async () => (await http("GET", `${h.url}/health`, undefined, 2000)).status === 200,
          5000,
        ),
      );
      assert.ok(
        logLines(join(dir, "hive.jsonl")).some((l) => l.event === "emfile"),
        "EMFILE logged",
      );
    });

    test("crash-on-emfile: the hive dies when descriptors run out", async () => {
      const h = await hive(["--bug", "crash-on-emfile"], {}, ["prlimit", "--nofile=64:64", "--"]);
      const sockets = await flood(h.url, 150);
      const exit = await Promise.race([h.exited, sleep(5000).then(() => undefined)]);
      for (const s of sockets) s.destroy();
      assert.ok(exit && exit.code !== 0, `the hive crashed: ${JSON.stringify(exit)}`);
    });
  });
});
