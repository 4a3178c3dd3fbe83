// test: alone (judges request rates, which test files running beside it would take CPU from)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { load } from "../../../sdk/load/load.ts";
import type { RequestRecord } from "../../../sdk/load/types.ts";
import { startServer, type TestServer } from "../helpers.ts";

describe("open-model engine (arrival rate)", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
    server.route("/slow", { delayMs: 300 });
  });
  after(() => server.close());

  it("achieves its rate with evenly paced starts, not bursts", async () => {
    const from = server.arrivals.length;
    const r = await load.rate(200, "2s").target(server.url).request({ method: "GET", url: "/" }).run();
    assert.equal(r.engine, "open");
    assert.equal(r.totals.requests, 400);
    assert.equal(r.droppedIterations, 0);
    const seen = server.arrivals.slice(from);
    assert.equal(seen.length, 400);
    // autocannon's rate sends a second's quota in ~100 ms; paced starts put about 20 in every 100 ms
    const t0 = seen[0];
    const buckets = new Array(20).fill(0);
    for (const t of seen) buckets[Math.min(19, Math.floor((t - t0) / 100))]++;
    // a bursty sender would put all 200 of a second in one window; a loaded machine may delay a few
    assert.ok(Math.max(...buckets) < 100, `busiest 100 ms windows: ${JSON.stringify(buckets)}`);
    const median = [...buckets].sort((a, b) => a - b)[10];
    assert.ok(median >= 17 && median <= 23, `median window ${median}: ${JSON.stringify(buckets)}`);
    assert.ok(r.sendLag !== undefined && r.sendLag.p50 < 20, JSON.stringify(r.sendLag));
    assert.equal(r.timeline[0].targetRate, 200);
  });

  it("ramps the rate: the second half of a 0→200/s ramp carries three times the first", async () => {
    const r = await load
      .rateStages([{ duration: "2s", target: 200 }])
      .target(server.url)
      .request({ method: "GET", url: "/" })
      .run();
    assert.ok(Math.abs(r.totals.requests - 200) <= 2, `${r.totals.requests}`);
    const [a, b] = [r.timeline[0].requests, r.timeline[1].requests];
    assert.ok(b > 2.3 * a && b < 3.7 * a, `${a} then ${b}`);
  });

  it("measures latency from the scheduled start, so a stall shows in every request it delays", async () => {
    const records: RequestRecord[] = [];
    setTimeout(() => {
      server.stallMs = 400;
      setTimeout(() => {
        server.stallMs = 0;
      }, 200);
    }, 500);
    const r = await load
      .rate(100, "1.5s")
      .maxInFlight(200)
      .target(server.url)
      .request({ method: "GET", url: "/" })
      .run({ onRequest: (x) => records.push(x) });
    // about 20 requests arrive during the 200 ms stall window, each delayed by up to 400 ms
    const slow = records.filter((x) => x.latencyMs > 200);
    assert.ok(slow.length >= 12, `${slow.length} slow requests`);
    assert.ok(r.latency.p50 < 100 && r.latency.max > 300, JSON.stringify(r.latency));
    // starts are the schedule: 10 ms apart
    const starts = records.map((x) => x.start).sort((a, b) => a - b);
    const gaps = starts.slice(1).map((s, i) => s - starts[i]);
    const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
    assert.ok(Math.abs(median - 10) < 1.5, `median gap ${median}`);
  });

  it("drops starts when the in-flight cap is reached, as k6's dropped_iterations", async () => {
    const r = await load
      .rate(50, "1s")
      .maxInFlight(5)
      .target(server.url)
      .request({ method: "GET", url: "/slow" })
      .threshold("dropped_iterations", "count<1")
      .run();
    // 5 in flight for 300 ms each: about 5 / 0.3 s = 17 per second can start
    assert.ok(r.droppedIterations >= 25 && r.droppedIterations <= 40, `${r.droppedIterations} dropped`);
    assert.equal(r.totals.requests + r.droppedIterations + r.totals.interrupted, 50);
    assert.equal(r.thresholds[0].ok, false);
    assert.equal(
      r.timeline.reduce((n, s) => n + (s.dropped ?? 0), 0),
      r.droppedIterations,
    );
  });

  it("aborts a run on a failing abortOnFail threshold", async () => {
    server.route("/down", { status: 500 });
    const t = performance.now();
    const r = await load
      .rate(50, "20s")
      .target(server.url)
      .request({ method: "GET", url: "/down" })
      .threshold("http_req_failed", { threshold: "rate<0.5", abortOnFail: true })
      .run();
    assert.ok(performance.now() - t < 6000);
    assert.equal(r.aborted, true);
    assert.match(r.abortReason ?? "", /threshold http_req_failed rate<0.5 failed \(abortOnFail\)/);
    assert.equal(r.thresholds[0].ok, false);
    assert.equal(r.thresholds[0].value, 1);
  });
});
