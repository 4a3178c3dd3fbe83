// test: alone (its SIGTERM test reads the end of a stream that the worker finishes while it drains: beside another
// demo the last event read back was a token, not done, once in a clean-clone CI run)
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  alive,
  http,
  json,
  logLines,
  type Service,
  sleep,
  sseEvents,
  startService,
  tempDir,
  waitFor,
} from "./helpers.ts";

const started: Service[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.kill("SIGKILL")));
});
async function worker(args: string[] = [], env: Record<string, string> = {}): Promise<Service> {
  const s = await startService("worker", ["--load-ms", "0", ...args], env);
  started.push(s);
  return s;
}
const infer = (url: string, maxTokens = 4) =>
  http("POST", `${url}/v1/infer`, { prompt: "bees", max_tokens: maxTokens });

// Every test has its own worker process, so they run side by side.
describe("worker", { concurrency: true, timeout: 60_000 }, () => {
  test("is loading for its load time, then ready; streams paced tokens and ends with done", async () => {
    // Loading for 3 s: the two requests below must land in it even when a busy machine delays them by a second.
    const w = await worker(["--load-ms", "3000", "--token-delay-ms", "30"]);
    const early = await http("GET", `${w.url}/health`);
    assert.equal(json(early).state, "loading");
    const refused = await infer(w.url);
    assert.equal(refused.status, 503);
    assert.equal(json(refused).reason, "loading");
    assert.ok(
      await waitFor(async () => json(await http("GET", `${w.url}/health`)).state === "ready", 15_000),
    );
    const r = await infer(w.url, 8);
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /text\/event-stream/);
    const events = sseEvents(r.body);
    assert.deepEqual(
      events.slice(0, 8).map((e) => e.data.index),
      [0, 1, 2, 3, 4, 5, 6, 7],
    );
    assert.ok(events.slice(0, 8).every((e) => typeof e.data.token === "string" && e.event === "message"));
    assert.equal(events[8].event, "done");
    assert.equal(events[8].data.tokens, 8);
    // 8 tokens at 30 ms each: no faster than ~240 ms, generously bounded above for a loaded machine.
    assert.ok(r.ms >= 200, `took ${r.ms} ms`);
  });

  test("rejects a bad body with every problem named", async () => {
    const w = await worker();
    const r = await http("POST", `${w.url}/v1/infer`, { prompt: 3, max_tokens: 0 });
    assert.equal(r.status, 400);
    assert.equal(json<{ problems: string[] }>(r).problems.length, 2);
  });

  test("answers 503 vram exhausted over its budget, and recovers when streams end", async () => {
    const w = await worker(["--vram-mb", "64", "--vram-per-req-mb", "32", "--token-delay-ms", "40"]);
    const a = infer(w.url, 10);
    const b = infer(w.url, 10);
    await sleep(150);
    const c = await infer(w.url, 1);
    assert.equal(c.status, 503);
    assert.equal(json(c).reason, "vram exhausted");
    assert.equal(c.headers["retry-after"], "1");
    assert.equal((await a).status, 200);
    assert.equal((await b).status, 200);
    assert.equal((await infer(w.url, 1)).status, 200);
    // VRAM occupied from outside, then freed.
    await http("POST", `${w.url}/v1/debug/vram`, { mb: 64 });
    assert.equal((await infer(w.url, 1)).status, 503);
    await http("DELETE", `${w.url}/v1/debug/vram`);
    assert.equal((await infer(w.url, 1)).status, 200);
  });

  test("vram-leak: VRAM is never released, so the worker fills up for good", async () => {
    const w = await worker([
      "--vram-mb",
      "64",
      "--vram-per-req-mb",
      "32",
      "--token-delay-ms",
      "1",
      "--bug",
      "vram-leak",
    ]);
    assert.equal((await infer(w.url, 1)).status, 200);
    assert.equal((await infer(w.url, 1)).status, 200);
    const third = await infer(w.url, 1);
    assert.equal(third.status, 503);
    assert.equal(json(third).reason, "vram exhausted");
  });

  test("no-retry-after: the 503 over budget carries no Retry-After", async () => {
    const w = await worker(["--vram-mb", "0", "--bug", "no-retry-after"]);
    const r = await infer(w.url, 1);
    assert.equal(r.status, 503);
    assert.equal(r.headers["retry-after"], undefined);
  });

  test("--leak-mb-per-req keeps real memory for ever, request after request", async () => {
    const w = await worker(["--leak-mb-per-req", "16", "--token-delay-ms", "1"]);
    assert.equal((await infer(w.url, 1)).status, 200);
    assert.equal((await infer(w.url, 1)).status, 200);
    assert.equal(json(await http("GET", `${w.url}/health`)).heldMb, 32);
  });

  test("POST /v1/debug/alloc holds real memory", async () => {
    const w = await worker();
    const r = json<{ heldMb: number; rssMb: number }>(
      await http("POST", `${w.url}/v1/debug/alloc`, { mb: 64 }),
    );
    assert.equal(r.heldMb, 64);
    assert.ok(r.rssMb >= 64, `rss ${r.rssMb} MB`);
    assert.equal((await http("POST", `${w.url}/v1/debug/alloc`, { mb: -1 })).status, 400);
  });

  test("SIGTERM: stops accepting, finishes in-flight streams, exits 0", async () => {
    const dir = tempDir("demo-worker-");
    const w = await worker(["--token-delay-ms", "20", "--log-file", join(dir, "w.jsonl")]);
    const stream = infer(w.url, 25);
    await sleep(150);
    w.child.kill("SIGTERM");
    await sleep(100);
    await assert.rejects(infer(w.url, 1), /ECONNREFUSED|ECONNRESET|socket hang up/);
    const r = await stream;
    assert.equal(sseEvents(r.body).at(-1)?.event, "done");
    assert.deepEqual(await w.exited, { code: 0, signal: null });
    const events = logLines(join(dir, "w.jsonl")).map((l) => l.event);
    assert.ok(events.includes("draining") && events.includes("worker_stopped"), events.join(","));
  });

  test("SIGTERM: a stream longer than the grace period is cut at the grace", async () => {
    const w = await worker(["--token-delay-ms", "50", "--grace-ms", "300"]);
    const stream = infer(w.url, 200);
    await sleep(150);
    const t0 = Date.now();
    w.child.kill("SIGTERM");
    await stream.catch(() => undefined);
    await w.exited;
    assert.ok(Date.now() - t0 < 5000, `exit took ${Date.now() - t0} ms`);
  });

  test("ignore-sigterm: SIGTERM changes nothing, only SIGKILL stops it", async () => {
    const w = await worker(["--bug", "ignore-sigterm"]);
    w.child.kill("SIGTERM");
    await sleep(700);
    assert.ok(alive(w.pid));
    assert.equal((await infer(w.url, 1)).status, 200);
    await w.kill("SIGKILL");
    assert.equal((await w.exited).signal, "SIGKILL");
  });

  test("bad flags: exit 2 with every problem listed", async () => {
    await assert.rejects(startService("worker", ["--vram-mb", "lots", "--bug", "nope"]), (err: Error) => {
      assert.match(err.message, /exited \(2\)/);
      assert.match(err.message, /--vram-mb: expected an integer/);
      assert.match(err.message, /unknown bug "nope"/);
      return true;
    });
  });
});
