// test: alone (judges request rates, which test files running beside it would take CPU from)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { load } from "../../../sdk/load/load.ts";
import { startServer, type TestServer } from "../helpers.ts";

describe("vus engine (closed model with think time)", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it("users send, think and loop: 20 users with 200 ms think time make about 100 req/s", async () => {
    const r = await load
      .constant(20, "2s")
      .thinkTime("200ms")
      .target(server.url)
      .request({ method: "GET", url: "/" })
      .check("200", (res) => res.status === 200)
      .run();
    assert.equal(r.engine, "vus");
    assert.ok(r.throughput > 60 && r.throughput < 115, `${r.throughput} req/s`);
    assert.equal(r.totals.checks.passes, r.totals.requests);
    assert.equal(r.totals.failed, 0);
    assert.equal(r.maxUsers, 20);
    // the result is plain JSON: it survives the journal unchanged
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  });

  it("stops the run, and says why, when an onRequest callback throws", async () => {
    const r = await load
      .constant(2, "10s")
      .thinkTime("50ms")
      .target(server.url)
      .request({ method: "GET", url: "/" })
      .run({
        onRequest: () => {
          throw new Error("callback bug");
        },
      });
    assert.equal(r.aborted, true);
    assert.match(r.abortReason ?? "", /a run callback threw: callback bug/);
    assert.ok(r.endedAt - r.startedAt < 3000);
  });

  it("follows the stages: more users, more requests; ramping down stops users", async () => {
    const r = await load
      .ramp(0, 30, "1s")
      .hold("1s")
      .ramp(0, "1s")
      .thinkTime("100ms")
      .target(server.url)
      .request({ method: "GET", url: "/" })
      .run();
    const [up, hold, down] = r.timeline.map((s) => s.requests);
    assert.equal(r.timeline[1].users, 30);
    assert.ok(hold > 150 && hold <= 320, `hold second: ${hold}`);
    assert.ok(up < hold && down < hold, `${up} ${hold} ${down}`);
  });

  it("posts a JSON request and checks each answer", async () => {
    server.route("/v1/inference", { status: 200, body: '{"text":"hello"}' });
    let seen = 0;
    const r = await load
      .constant(1, "300ms")
      .thinkTime("50ms")
      .target(server.url)
      .request({
        method: "POST",
        url: "/v1/inference",
        body: { prompt: "Say hello", max_tokens: 8, stream: false },
      })
      .check("json", (res) => {
        seen++;
        return JSON.parse(res.body).text === "hello";
      })
      .run();
    assert.ok(r.totals.requests >= 3);
    assert.equal(seen, r.totals.requests);
    assert.equal(r.totals.checks.fails, 0);
    assert.equal(server.last.method, "POST");
    assert.equal(server.last.url, "/v1/inference");
    assert.deepEqual(JSON.parse(server.last.body), { prompt: "Say hello", max_tokens: 8, stream: false });
  });
});
