// test: alone (judges request rates, which test files running beside it would take CPU from)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { load } from "../../../sdk/load/load.ts";
import type { LoadSample, RequestRecord } from "../../../sdk/load/types.ts";
import { startServer, type TestServer } from "../helpers.ts";

describe("autocannon engine (closed model, no think time)", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    server.route("/slow", { delayMs: 20 });
    server.route("/moved", { status: 302 });
    server.route("/broken", { status: 503 });
  });
  after(() => server.close());

  it("ramps users in stages, with a per-second timeline and µs latencies", async () => {
    const samples: LoadSample[] = [];
    const plan = load
      .ramp(0, 4, "1s")
      .hold("1s")
      .ramp(0, "1s")
      .target(server.url)
      .request({ method: "GET", url: "/slow" });
    const before = server.arrivals.length;
    const r = await plan.run({ onSample: (s) => samples.push(s) });
    assert.equal(r.engine, "autocannon");
    assert.equal(r.model, "closed");
    assert.equal(r.aborted, false);
    assert.equal(r.totals.failed, 0);
    // each user does about 50 req/s against a 20 ms server: the hold second carries 4 users
    assert.ok(r.timeline.length >= 3, JSON.stringify(r.timeline));
    assert.equal(r.timeline[1].users, 4);
    const hold = r.timeline[1].rps;
    assert.ok(hold > 4 * 50 * 0.6 && hold < 4 * 50 * 1.2, `hold rps ${hold}`);
    assert.ok(r.timeline[0].rps < hold && r.timeline[2].rps < hold, JSON.stringify(r.timeline));
    assert.deepEqual(samples.slice(0, r.timeline.length - 1), r.timeline.slice(0, r.timeline.length - 1));
    // latencies are floats around 20 ms, not whole milliseconds
    assert.ok(r.latency.p50 >= 20 && r.latency.p50 < 40, `${r.latency.p50}`);
    assert.notEqual(r.latency.p50, Math.round(r.latency.p50));
    // every request the server saw was answered and recorded (or interrupted at a stop)
    const seen = server.arrivals.length - before;
    assert.ok(
      Math.abs(seen - (r.totals.requests + r.totals.interrupted)) <= 4,
      `${seen} vs ${r.totals.requests}+${r.totals.interrupted}`,
    );
    assert.equal(r.totals.byStatus["200"], r.totals.requests);
    // one instance per layer of the skyline, and autocannon's own histograms, merged, count what we recorded
    const stats = r.engineStats ?? {};
    assert.ok(stats.instances >= 4, JSON.stringify(stats));
    assert.equal(stats.rawHistogramCount, r.totals.requests);
    assert.ok(stats.rawP99Ms >= 20 && Number.isInteger(stats.rawP99Ms), JSON.stringify(stats));
  });

  it("counts 3xx as success and 5xx as failure (k6's rule), and runs checks on bodies", async () => {
    const mk = (url: string) =>
      load
        .constant(2, "500ms")
        .target(server.url)
        .request({ method: "GET", url })
        .check("says hello", (res) => res.body === "hello world")
        .threshold("http_req_failed", "rate<0.01");
    const moved = await mk("/moved").run();
    assert.ok(moved.totals.requests > 10);
    assert.equal(moved.totals.failed, 0);
    assert.equal(moved.totals.byStatus["302"], moved.totals.requests);
    assert.equal(moved.thresholds[0].ok, true);
    assert.equal(moved.totals.checks.passes, moved.totals.requests);
    const broken = await mk("/broken").run();
    assert.equal(broken.totals.ok, 0);
    assert.equal(broken.totals.failed, broken.totals.requests);
    assert.equal(broken.thresholds[0].ok, false);
    assert.equal(broken.thresholdsFailed, true);
  });

  it("reports every request to onRequest with its start time", async () => {
    const records: RequestRecord[] = [];
    const t = Date.now();
    const r = await load
      .constant(1, "300ms")
      .target(server.url)
      .request({ method: "GET", url: "/slow" })
      .run({ onRequest: (x) => records.push(x) });
    assert.equal(records.length, r.totals.requests);
    assert.ok(records.every((x) => x.ok && x.status === 200 && x.start >= t - 5 && x.latencyMs >= 19));
  });

  it("stops promptly on abort and returns a partial result marked aborted", async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort("enough"), 300);
    const t = performance.now();
    const r = await load
      .constant(3, "30s")
      .target(server.url)
      .request({ method: "GET", url: "/slow" })
      .run({ signal: ac.signal });
    const took = performance.now() - t;
    assert.ok(took < 2000, `took ${took} ms`);
    assert.equal(r.aborted, true);
    assert.match(r.abortReason ?? "", /aborted by the caller: enough/);
    assert.ok(r.totals.requests > 0);
  });

  it("counts refused connections as failures of kind refused", async () => {
    const r = await load
      .constant(1, "300ms")
      .target("http://127.0.0.1:1")
      .request({ method: "GET", url: "/" })
      .run();
    assert.ok(r.totals.failed > 0);
    assert.equal(r.totals.ok, 0);
    assert.equal(r.totals.byKind.refused, r.totals.failed);
    assert.equal(r.totals.byStatus["0"], r.totals.failed);
  });
});
