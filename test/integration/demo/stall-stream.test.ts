import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { load } from "../../../sdk/load/load.ts";
import { http, json, type Service, startService, waitFor } from "./helpers.ts";

const started: Service[] = [];
after(async () => {
  await Promise.all(started.map((s) => s.kill("SIGKILL")));
});
async function worker(args: string[]): Promise<Service> {
  const s = await startService("worker", ["--load-ms", "0", "--token-delay-ms", "20", ...args]);
  started.push(s);
  assert.ok(await waitFor(async () => json(await http("GET", `${s.url}/health`)).state === "ready", 10_000));
  return s;
}

const streams = (url: string) =>
  load
    .constant(2, "1s")
    .thinkTime("100ms")
    .target(url)
    .request({ method: "POST", url: "/v1/infer", body: { prompt: "bees", max_tokens: 8 } })
    .stream("sse", { interTokenTimeout: "600ms" });

const slowStreams = (url: string) =>
  load
    .constant(1, "500ms")
    .thinkTime("100ms")
    .target(url)
    .request({ method: "POST", url: "/v1/infer", body: { prompt: "bees", max_tokens: 8 } })
    .stream("sse", { interTokenTimeout: "10s" });

describe("the worker's stall-stream switch", { concurrency: true, timeout: 60_000 }, () => {
  test("healthy: every stream sends its 8 tokens and done", async () => {
    const w = await worker([]);
    const r = await streams(w.url).run();
    assert.ok(r.streams && r.streams.streams >= 2, JSON.stringify(r.streams));
    assert.equal(r.streams.cut, 0);
    assert.equal(r.streams.tokens, 8 * r.streams.streams);
  });

  test("stall-stream: half the tokens, then silence on the open stream, cut by the client's timeout", async () => {
    const w = await worker(["--bug", "stall-stream"]);
    const r = await streams(w.url).run();
    assert.ok(r.streams && r.streams.streams >= 2, JSON.stringify(r.streams));
    assert.deepEqual(r.streams.byCut, { timeout: r.streams.streams });
    assert.equal(r.streams.tokens, 4 * r.streams.streams);
    assert.ok(r.streams.itl.max >= 599, `the stalled gap ${r.streams.itl.max} ms`);
    // the client went away: the worker let go of every stream
    assert.ok(await waitFor(async () => json(await http("GET", `${w.url}/health`)).inflight === 0, 5000));
  });

  test("stall-stream: a patient client gets the whole stream after the 3 s silence", async () => {
    const w = await worker(["--bug", "stall-stream"]);
    const r = await slowStreams(w.url).run();
    assert.ok(r.streams && r.streams.streams >= 1, JSON.stringify(r.streams));
    assert.equal(r.streams.cut, 0);
    assert.equal(r.streams.tokens, 8 * r.streams.streams);
    assert.ok(r.streams.itl.max >= 2900, `the stalled gap ${r.streams.itl.max} ms`);
  });
});
