import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, test } from "node:test";
import { type DemoRbee, startDemoRbee } from "../../../demo/rbee/start-demo.ts";
import {
  type ChaosProxy,
  chaosProxy,
  http,
  json,
  logLines,
  removeLater,
  type Service,
  sleep,
  sseEvents,
  startService,
  waitFor,
} from "./helpers.ts";

const LIMITS = ["--max-inflight", "1", "--max-queue", "1", "--queue-timeout-ms", "1000"];
const BUGS = ["no-timeouts", "no-retry", "unbounded-queue", "no-cancel"];

/** Opens a stream and calls `onFirst` with the response headers once the first token is in. */
function streamWith(
  url: string,
  maxTokens: number,
  onFirst: (headers: Record<string, unknown>, abort: () => void) => void,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/inference`, { method: "POST", agent: false }, (res) => {
      let body = "";
      let first = true;
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
        if (first) {
          first = false;
          onFirst(res.headers, () => {
            req.destroy();
            clearTimeout(timer);
            resolve(body);
          });
        }
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve(body);
      });
      res.on("error", () => undefined);
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`stream not over after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", () => undefined);
    req.end(JSON.stringify({ prompt: "kill me", max_tokens: maxTokens, stream: true }));
  });
}

describe("queen", { timeout: 120_000 }, () => {
  let demo: DemoRbee;
  let proxy: ChaosProxy;
  let queen: Service;
  let buggy: Service;
  const ask = (url: string, body: unknown, timeoutMs?: number) =>
    http("POST", `${url}/v1/inference`, body, timeoutMs);
  /** Resolves once `url`'s queen has a request in flight: no guessing how long a start takes. */
  const busy = async (url: string) =>
    assert.ok(
      await waitFor(
        async () =>
          json<{ inflight: { current: number } }>(await http("GET", `${url}/v1/status`)).inflight.current >=
          1,
        5000,
        10,
      ),
    );
  const inflightAtHive = async () => (await demo.workers()).reduce((n, w) => n + w.inflight, 0);

  before(async () => {
    demo = await startDemoRbee({
      workers: 2,
      queenPort: 0,
      hivePort: 0,
      workerBasePort: 0,
      loadTimeMs: 100,
      tokenDelayMs: 10,
    });
    proxy = await chaosProxy(demo.hive.url);
    [queen, buggy] = await Promise.all([
      startService("queen", [
        "--hive-url",
        proxy.url,
        "--log-file",
        `${demo.logDir}/queen-limits.jsonl`,
        ...LIMITS,
      ]),
      startService("queen", ["--hive-url", proxy.url, ...LIMITS, ...BUGS.flatMap((b) => ["--bug", b])]),
    ]);
  });
  after(async () => {
    await Promise.all([queen?.kill("SIGTERM"), buggy?.kill("SIGTERM")]);
    await proxy?.close();
    await demo?.stop();
    if (demo) removeLater(demo.logDir);
  });

  test("streams tokens as SSE and ends with done", async () => {
    const r = await ask(demo.queen.url, { prompt: "hello bees", max_tokens: 6, stream: true });
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /^text\/event-stream/);
    const events = sseEvents(r.body);
    assert.deepEqual(
      events.filter((e) => e.event === "message").map((e) => e.data.index),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(events.at(-1)?.event, "done");
  });

  test("one-token streams end with done: the hive's whole answer may arrive in one read", async () => {
    for (let i = 0; i < 6; i++) {
      const r = await ask(demo.queen.url, { prompt: `one ${i}`, max_tokens: 1, stream: true }, 4000);
      assert.equal(r.status, 200);
      assert.deepEqual(
        sseEvents(r.body).map((e) => e.event),
        ["message", "done"],
        r.body,
      );
    }
  });

  test("streams back to back on one keep-alive connection all end (relayed writes are batched per turn)", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bodies: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await fetchStream(`${demo.queen.url}/v1/inference`, agent, {
          prompt: `ka ${i}`,
          max_tokens: 3,
        });
        bodies.push(r.body);
        assert.equal(r.reused, i > 0, "the same connection each time");
      }
      for (const body of bodies) assert.equal(sseEvents(body).at(-1)?.event, "done", body);
    } finally {
      agent.destroy();
    }
  });

  test("answers one JSON body with stream: false, the same text as the stream", async () => {
    const streamed = sseEvents(
      (await ask(demo.queen.url, { prompt: "same", max_tokens: 5, stream: true })).body,
    )
      .filter((e) => e.event === "message")
      .map((e) => e.data.token)
      .join("");
    const r = await ask(demo.queen.url, { prompt: "same", max_tokens: 5, stream: false });
    assert.equal(r.status, 200);
    const body = json<{ text: string; tokens: number; worker: string }>(r);
    assert.equal(body.text, streamed);
    assert.equal(body.tokens, 5);
    assert.match(body.worker, /^worker-\d+$/);
  });

  test("400 names every bad field; a non-JSON body is a 400 too", async () => {
    const r = await ask(demo.queen.url, { prompt: "", max_tokens: 0, stream: "yes" });
    assert.equal(r.status, 400);
    const problems = json<{ problems: string[] }>(r).problems;
    assert.deepEqual(
      problems.map((p) => p.split(":")[0]),
      ["prompt", "max_tokens", "stream"],
    );
    assert.equal((await ask(demo.queen.url, "{not json")).status, 400);
  });

  test("health and status", async () => {
    const health = json<{ status: string; hive: { reachable: boolean } }>(
      await http("GET", `${demo.queen.url}/health`),
    );
    assert.equal(health.status, "ok");
    assert.equal(health.hive.reachable, true);
    const status = json<{ queue: { depth: number }; inflight: { max: number }; totals: { ok: number } }>(
      await http("GET", `${demo.queen.url}/v1/status`),
    );
    assert.equal(status.queue.depth, 0);
    assert.equal(status.inflight.max, 256);
    assert.ok(status.totals.ok >= 3);
  });

  test("bounded queue: one in flight, one queued, the rest 429 with Retry-After", async () => {
    const first = ask(queen.url, { prompt: "q", max_tokens: 40, stream: true });
    await busy(queen.url);
    const rest = await Promise.all([1, 2, 3].map(() => ask(queen.url, { prompt: "q", max_tokens: 1 })));
    const all = [await first, ...rest];
    assert.deepEqual(all.map((r) => r.status).sort(), [200, 200, 429, 429]);
    assert.ok(all.filter((r) => r.status === 429).every((r) => r.headers["retry-after"] === "1"));
    assert.ok(logLines(`${demo.logDir}/queen-limits.jsonl`).some((l) => l.event === "queue_full"));
  });

  test("queue wait timeout: 503 with Retry-After", async () => {
    const long = ask(queen.url, { prompt: "q", max_tokens: 400, stream: true });
    await busy(queen.url);
    const r = await ask(queen.url, { prompt: "q", max_tokens: 1 });
    assert.equal(r.status, 503);
    assert.equal(json(r).reason, "queue wait timeout");
    assert.equal(r.headers["retry-after"], "1");
    assert.equal((await long).status, 200);
  });

  test("unbounded-queue: everything is accepted, nothing is shed, and the queen's own peak shows it", async () => {
    type Status = {
      queue: { peak: number; max: number };
      totals: { rejected: number; queueTimeouts: number };
    };
    const status = async (url: string) => json<Status>(await http("GET", `${url}/v1/status`));
    const first = ask(buggy.url, { prompt: "q", max_tokens: 40, stream: true });
    await busy(buggy.url);
    const rest = await Promise.all([1, 2, 3].map(() => ask(buggy.url, { prompt: "q", max_tokens: 1 })));
    assert.deepEqual(
      [await first, ...rest].map((r) => r.status),
      [200, 200, 200, 200],
    );
    const b = await status(buggy.url);
    assert.equal(b.queue.max, 1, "the configured bound is reported even when it is not enforced");
    assert.ok(b.queue.peak >= 3, `3 waited at once, past the bound of 1: peak ${b.queue.peak}`);
    assert.equal(b.totals.rejected + b.totals.queueTimeouts, 0);
    // The bounded queen never let more than its bound wait (the tests above filled it).
    const q = await status(queen.url);
    assert.ok(q.queue.peak <= q.queue.max, `bounded queen: peak ${q.queue.peak} of ${q.queue.max}`);
  });

  test("a client that goes away cancels generation upstream; no-cancel keeps it running", async () => {
    await streamWith(queen.url, 300, (_h, abort) => abort());
    assert.ok(await waitFor(async () => (await inflightAtHive()) === 0, 3000), "cancelled upstream");
    await streamWith(buggy.url, 150, (_h, abort) => abort());
    await sleep(800);
    assert.ok((await inflightAtHive()) >= 1, "no-cancel: the abandoned stream still holds a worker");
    assert.ok(await waitFor(async () => (await inflightAtHive()) === 0, 8000));
  });

  test("hive resets: retried before the first token, so every request succeeds; no-retry fails", async () => {
    proxy.mode = "reset-every-other";
    try {
      const ok = [];
      for (let i = 0; i < 6; i++) ok.push((await ask(queen.url, { prompt: "r", max_tokens: 2 })).status);
      assert.deepEqual(ok, [200, 200, 200, 200, 200, 200]);
      assert.ok(logLines(`${demo.logDir}/queen-limits.jsonl`).some((l) => l.event === "request_retried"));
      const bad = [];
      for (let i = 0; i < 6; i++) bad.push((await ask(buggy.url, { prompt: "r", max_tokens: 2 })).status);
      assert.ok(bad.filter((s) => s === 502).length >= 2, `no-retry lets resets through: ${bad}`);
    } finally {
      proxy.mode = "pass";
    }
  });

  test("500 ms more latency each way to the hive: requests still succeed, streaming and not", async () => {
    proxy.mode = "latency-500ms";
    try {
      const r = await ask(queen.url, { prompt: "slow", max_tokens: 3, stream: true });
      assert.equal(r.status, 200);
      assert.equal(sseEvents(r.body).at(-1)?.event, "done");
      assert.ok(r.ms >= 1000, `a round trip through the slow link took ${r.ms} ms`);
      assert.equal((await ask(queen.url, { prompt: "slow", max_tokens: 3 })).status, 200);
    } finally {
      proxy.mode = "pass";
    }
  });

  test("blackholed hive: 504 within the first-byte timeout, health stays bounded; no-timeouts hangs", async () => {
    proxy.mode = "blackhole";
    try {
      // The default first-byte timeout, 3 s; the buggy queen, asked at the same time, is still silent at 6 s.
      const hung = assert.rejects(ask(buggy.url, { prompt: "b", max_tokens: 2 }, 6000), /timeout/);
      const r = await ask(queen.url, { prompt: "b", max_tokens: 2 }, 10_000);
      assert.equal(r.status, 504);
      assert.ok(r.ms >= 2900 && r.ms < 6000, `answered in ${r.ms} ms`);
      // Health answers within its 300 ms bound whatever the hive does, and turns degraded once its bounded
      // check of the silent hive has failed.
      const health = await http("GET", `${queen.url}/health`, undefined, 2000);
      assert.equal(health.status, 200);
      assert.ok(health.ms < 2000, `health in ${health.ms} ms`);
      assert.ok(
        await waitFor(
          async () => json(await http("GET", `${queen.url}/health`, undefined, 2000)).status === "degraded",
          5000,
        ),
      );
      await hung;
    } finally {
      proxy.mode = "pass";
    }
  });

  test("a worker SIGKILLed mid-stream: the client gets a clean error event, not a hang", async () => {
    let killed = 0;
    const body = await streamWith(demo.queen.url, 300, (headers) => {
      void demo.workers().then((ws) => {
        const w = ws.find((x) => x.id === headers["x-rbee-worker"]);
        if (w) {
          killed = w.pid;
          process.kill(w.pid, "SIGKILL");
        }
      });
    });
    assert.ok(killed > 0, "found the worker");
    const events = sseEvents(body);
    assert.equal(events.at(-1)?.event, "error");
    assert.ok(events.filter((e) => e.event === "message").length < 300);
    // The hive evicts it; the next requests go to live workers.
    assert.ok(await waitFor(async () => !(await demo.workers()).some((w) => w.pid === killed), 3000));
    assert.equal((await ask(demo.queen.url, { prompt: "after", max_tokens: 2 })).status, 200);
  });
});

/** One streamed inference on `agent`, bounded by 5 s; whether the socket was a reused one. */
function fetchStream(
  url: string,
  agent: Agent,
  body: Record<string, unknown>,
): Promise<{ body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify({ ...body, stream: true });
    const req = request(url, { method: "POST", agent, timeout: 5000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => resolve({ body: text, reused: req.reusedSocket }));
    });
    req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", reject);
    req.end(payload);
  });
}
