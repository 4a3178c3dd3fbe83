import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ValidationError } from "../../../sdk/core/errors.ts";
import { load } from "../../../sdk/load/load.ts";
import type { RequestRecord } from "../../../sdk/load/types.ts";
import { type StreamServer, startStreamServer } from "../stream-server.ts";

describe("streaming requests (vus and open engines)", { timeout: 60_000 }, () => {
  let server: StreamServer;
  before(async () => {
    server = await startStreamServer();
  });
  after(() => server.close());

  const users = (path: string, n = 2, ms = "1s") =>
    load.constant(n, ms).thinkTime("100ms").target(server.url).request({ url: path });

  it("SSE streams that end with done: tokens counted, TTFT and gaps timed, nothing cut", async () => {
    const records: RequestRecord[] = [];
    const r = await users("/sse?tokens=5&first=80&gap=20")
      .stream("sse")
      .run({ onRequest: (x) => records.push(x) });
    const s = r.streams;
    assert.ok(s, "a streaming run has stream totals");
    assert.equal(r.engine, "vus");
    assert.ok(s.streams >= 2, `${s.streams} streams`);
    assert.equal(s.cut, 0);
    assert.equal(s.completed, s.streams);
    assert.equal(s.tokens, 5 * s.streams);
    assert.equal(r.totals.failed, 0);
    // the server waits 80 ms before the first token and 20 ms between tokens: never less
    assert.ok(s.ttft.min >= 79, `ttft min ${s.ttft.min}`);
    // (tokens that a busy event loop reads together count as 0-ms gaps: judged at the median)
    assert.ok(s.itl.p50 >= 15, `itl p50 ${s.itl.p50}`);
    assert.equal(s.itl.count, 4 * s.streams);
    assert.ok(s.tpot.count === s.streams && s.tpot.p50 >= 15, `tpot ${JSON.stringify(s.tpot)}`);
    for (const rec of records) {
      assert.equal(rec.stream?.tokens, 5);
      assert.ok((rec.stream?.ttftMs ?? 0) >= 79 && (rec.stream?.ttftMs ?? 0) <= rec.latencyMs);
      assert.equal(rec.stream?.cut, undefined);
    }
    const tokensInTimeline = r.timeline.reduce((n, x) => n + (x.tokens ?? 0), 0);
    assert.equal(tokensInTimeline, s.tokens);
    assert.ok(r.timeline.some((x) => (x.ttftP50 ?? 0) >= 79));
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  it("a stream that stops without closing is cut by the inter-token timeout, its wait counted as a gap", async () => {
    const r = await users("/sse?tokens=6&stall=2", 1, "500ms")
      .stream("sse", { interTokenTimeout: "300ms" })
      .run();
    const s = r.streams;
    assert.ok(s && s.streams >= 1);
    assert.equal(s.cut, s.streams);
    assert.deepEqual(s.byCut, { timeout: s.streams });
    assert.equal(s.tokens, 2 * s.streams);
    assert.ok(s.itl.max >= 299, `the stalled gap: ${s.itl.max}`);
    assert.equal(r.totals.byKind.timeout, s.streams);
    assert.equal(r.totals.failed, r.totals.requests);
    // the client aborted: the server's side of each stalled stream is closed
    const t0 = Date.now();
    while (server.open() > 0 && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 20));
    assert.equal(server.open(), 0);
  });

  it("names each way a stream is cut: reset, end before done, an error event; a 503 is no stream", async () => {
    const cutOf = async (path: string) => {
      const r = await users(path, 1, "300ms").stream("sse").run();
      return r;
    };
    const reset = await cutOf("/sse?tokens=4&reset=2");
    assert.ok((reset.streams?.byCut.reset ?? 0) >= 1, JSON.stringify(reset.streams?.byCut));
    assert.equal(reset.totals.byKind.reset, reset.totals.requests);
    const eof = await cutOf("/sse?tokens=3&nodone=1");
    assert.deepEqual(eof.streams?.byCut, { eof: eof.streams?.streams });
    assert.equal(eof.streams?.tokens, 3 * (eof.streams?.streams ?? 0));
    // done came: the stream was whole, even though the server then held the response open until it timed out
    const held = await users("/sse?tokens=2&hang=1", 1, "300ms").stream("sse").timeout("400ms").run();
    assert.equal(held.streams?.cut, 0);
    assert.equal(held.streams?.completed, held.streams?.streams);
    const error = await cutOf("/sse?tokens=4&error=1");
    assert.deepEqual(error.streams?.byCut, { error: error.streams?.streams });
    const refused = await cutOf("/sse?status=503");
    assert.equal(refused.streams?.streams, 0);
    assert.equal(refused.totals.byStatus["503"], refused.totals.requests);
  });

  it("NDJSON ends on its done line; chunked counts reads and ends with the response", async () => {
    const nd = await users("/ndjson?tokens=3&gap=5", 1, "300ms").stream("ndjson").run();
    assert.equal(nd.streams?.cut, 0);
    assert.equal(nd.streams?.tokens, 3 * (nd.streams?.streams ?? 0));
    const ndCut = await users("/ndjson?tokens=3&nodone=1", 1, "300ms").stream("ndjson").run();
    assert.equal(ndCut.streams?.cut, ndCut.streams?.streams);
    // one token per read by default: reads a busy loop merges count once, hence the range
    const ch = await users("/chunked?tokens=3&gap=30", 1, "300ms").stream("chunked").run();
    const streams = ch.streams?.streams ?? 0;
    assert.equal(ch.streams?.cut, 0);
    assert.ok(
      streams >= 1 && (ch.streams?.tokens ?? 0) >= streams && (ch.streams?.tokens ?? 0) <= 3 * streams,
    );
    const words = await users("/chunked?tokens=3&gap=5", 1, "300ms")
      .stream("chunked", { tokens: (e) => e.data.split(" ").filter(Boolean).length })
      .run();
    assert.equal(words.streams?.tokens, 3 * (words.streams?.streams ?? 0));
    const custom = await users("/ndjson?tokens=3", 1, "300ms")
      .stream("ndjson", { tokens: (e) => (e.data.includes('"token"') ? 2 : 0) })
      .run();
    assert.equal(custom.streams?.tokens, 6 * (custom.streams?.streams ?? 0));
  });

  it("open model: TTFT counts from the scheduled start, thresholds judge the token metrics", async () => {
    const r = await load
      .rate(20, "1s")
      .target(server.url)
      .request({ url: "/sse?tokens=3&first=50&gap=10" })
      .stream("sse")
      .thresholds({
        time_to_first_token: ["p(95)<5000", "p(50)<10"],
        inter_token_latency: ["max<5000"],
        output_tokens: ["count>10"],
        streams_cut: ["rate<0.01"],
      })
      .run();
    assert.equal(r.engine, "open");
    assert.ok((r.streams?.ttft.p50 ?? 0) >= 49);
    const byExpr = Object.fromEntries(r.thresholds.map((t) => [`${t.metric} ${t.expression}`, t.ok]));
    assert.deepEqual(byExpr, {
      "time_to_first_token p(95)<5000": true,
      "time_to_first_token p(50)<10": false,
      "inter_token_latency max<5000": true,
      "output_tokens count>10": true,
      "streams_cut rate<0.01": true,
    });
    assert.equal(r.thresholdsFailed, true);
  });

  it("refuses, naming every problem, token metrics without a stream and streams it cannot time", () => {
    const bad = load
      .constant(1, "1s")
      .target(server.url)
      .stream("xml" as "sse", { interTokenTimeout: "0s", tokens: 3 as never })
      .threshold("time_to_first_token", "p(95)<300");
    const err = (() => {
      try {
        bad.validate();
      } catch (e) {
        return e as ValidationError;
      }
    })();
    assert.ok(err instanceof ValidationError);
    assert.match(err.message, /stream\.kind/);
    assert.match(err.message, /stream\.tokens/);
    assert.match(err.message, /stream\.interTokenTimeout/);
    const noStream = load.constant(1, "1s").target(server.url).threshold("streams_cut", "rate<0.1");
    assert.match(
      noStream
        .problems()
        .map((p) => p.message)
        .join("\n"),
      /add plan\.stream/,
    );
    return assert.rejects(
      load.constant(1, "1s").target(server.url).stream("sse").run({ engine: "autocannon" }),
      /cannot time the tokens/,
    );
  });
});
