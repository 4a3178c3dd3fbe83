import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { columns } from "../../sdk/runner/phases/recovery.ts";
import { Traffic, trafficRequest, withStream } from "../../sdk/runner/traffic.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { validateSystem } from "../../sdk/system/validate-system.ts";
import { type StreamServer, startStreamServer } from "../load/stream-server.ts";

describe("streaming background traffic", { timeout: 30_000 }, () => {
  let server: StreamServer;
  before(async () => {
    server = await startStreamServer();
  });
  after(() => server.close());

  const traffic = (path: string, interTokenTimeout = "5s") =>
    new Traffic(
      {
        url: `${server.url}${path}`,
        method: "POST",
        headers: {},
        stream: { kind: "sse", interTokenTimeout },
      },
      { rate: 20, timeoutMs: 3000 },
    );

  const run = async (t: Traffic, ms: number) => {
    t.start();
    await new Promise((r) => setTimeout(r, ms));
    return t.stop();
  };

  it("whole streams: ok, with time to first token from the scheduled start, tokens and the longest gap", async () => {
    const samples = await run(traffic("/sse?tokens=4&first=60&gap=15"), 400);
    assert.ok(samples.length >= 3, `${samples.length} samples`);
    for (const s of samples) {
      assert.equal(s.ok, true, JSON.stringify(s));
      assert.equal(s.stream?.tokens, 4);
      assert.ok((s.stream?.ttftMs ?? 0) >= 59 && (s.stream?.ttftMs ?? 0) <= s.latencyMs, JSON.stringify(s));
      assert.ok((s.stream?.itlMaxMs ?? 0) >= 10, JSON.stringify(s));
      assert.equal(s.stream?.cut, undefined);
    }
    const c = columns(samples, samples[0].start);
    assert.equal(c.tokens?.length, samples.length);
    assert.deepEqual(new Set(c.cut), new Set([null]));
  });

  it("a stalled stream is cut and fails though its status was 200; a 503 is a failure without a stream", async () => {
    const stalled = await run(traffic("/sse?tokens=4&stall=2", "200ms"), 200);
    assert.ok(stalled.length >= 1);
    for (const s of stalled) {
      assert.deepEqual([s.status, s.ok, s.stream?.cut, s.stream?.tokens], [200, false, "timeout", 2]);
      assert.ok((s.stream?.itlMaxMs ?? 0) >= 199);
    }
    const refused = await run(traffic("/sse?status=503"), 150);
    for (const s of refused) assert.deepEqual([s.status, s.ok, s.stream], [503, false, undefined]);
    const c = columns([...stalled, ...refused], stalled[0].start);
    assert.ok(c.cut?.includes("timeout") && c.cut.includes(null));
  });

  it("a scenario's trafficStream: the system's own stream, or one of its own with its body", () => {
    const plain = { url: `${server.url}/sse`, method: "POST", headers: {}, body: '{"stream":false}' };
    const sys = (stream?: SystemDefinition["traffic"]["stream"]): SystemDefinition => ({
      name: "s",
      services: { api: { url: server.url } },
      traffic: { service: "api", path: "/sse", body: { stream: false }, ...(stream ? { stream } : {}) },
    });
    const own = withStream(plain, sys({ kind: "sse", body: { stream: true } }), true);
    assert.deepEqual([own.body, own.stream], ['{"stream":true}', { kind: "sse" }]);
    assert.equal(withStream(plain, sys(), true), plain, "a system without a stream keeps plain traffic");
    const mine = withStream(plain, sys(), { kind: "ndjson", interTokenTimeout: "1s", body: "x" });
    assert.deepEqual([mine.body, mine.stream], ["x", { kind: "ndjson", interTokenTimeout: "1s" }]);
    // with always, every scenario's traffic streams
    assert.deepEqual(trafficRequest(sys({ kind: "sse", always: true })).stream, { kind: "sse" });
    assert.equal(trafficRequest(sys({ kind: "sse" })).stream, undefined);
    assert.throws(
      () => new Traffic({ ...own, stream: { kind: "xml" as "sse" } }, { rate: 1, timeoutMs: 100 }),
      (e: unknown) => e instanceof ValidationError && /traffic\.stream\.kind/.test(e.message),
    );
    assert.throws(
      () => validateSystem("s.config.ts", sys({ kind: "xml" as "sse" })),
      (e: unknown) =>
        e instanceof ValidationError && e.problems.map((p) => p.path).includes("traffic.stream.kind"),
    );
  });
});
