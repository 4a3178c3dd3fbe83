// Response checks on real traffic: two tiny backends on loopback behind a round-robin proxy that fails over
// to the other backend when one refuses connections. Background traffic captures which backend answered;
// expect.share judges the windows before, while and after backend A is down. A load plan captures the same
// values against one real server.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { load } from "../../sdk/load/load.ts";
import { expect, type Observations } from "../../sdk/runner/expect.ts";
import { columns } from "../../sdk/runner/phases/recovery.ts";
import { scenarioWindows } from "../../sdk/runner/phases/windows.ts";
import { Traffic } from "../../sdk/runner/traffic.ts";

const shift = Number(process.env.HIVESTORM_TEST_PORT_SHIFT ?? 0);
const PROXY = 7460 + shift;
const A = 7461 + shift;
const B = 7462 + shift;
const SINGLE = 7463 + shift;

function backend(name: string, port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json", "x-backend": name });
    res.end(JSON.stringify({ served: { by: name } }));
  });
  return listen(server, port);
}

/** Round robin over the backends; a backend that refuses the connection is skipped (failover). */
function roundRobin(port: number, backends: number[]): Promise<http.Server> {
  let next = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    const first = next++ % backends.length;
    const attempt = (k: number) => {
      if (k === backends.length) {
        res.writeHead(502).end();
        return;
      }
      const target = backends[(first + k) % backends.length];
      const up = http.get({ host: "127.0.0.1", port: target, path: req.url, agent: false }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on("error", () => attempt(k + 1));
    };
    attempt(0);
  });
  return listen(server, port);
}

function listen(server: http.Server, port: number): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: http.Server | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("response checks on real traffic", { timeout: 60_000 }, () => {
  let proxy: http.Server | undefined;
  let a: http.Server | undefined;
  let b: http.Server | undefined;
  let single: http.Server | undefined;
  before(async () => {
    a = await backend("A", A);
    b = await backend("B", B);
    proxy = await roundRobin(PROXY, [A, B]);
  });
  after(async () => {
    await Promise.all([close(proxy), close(a), close(b), close(single)]);
  });

  it("Traffic captures which backend answered; expect.share sees the failover and the return", async () => {
    const traffic = new Traffic(
      {
        url: `http://127.0.0.1:${PROXY}/`,
        method: "GET",
        headers: {},
        capture: { backend: "header:x-backend", by: "json:served.by", cls: "status-class" },
      },
      { rate: 50, timeoutMs: 2000 },
    );
    const startedAt = Date.now();
    traffic.start();
    try {
      // Requests are timed from their scheduled start: after an event-loop stall (a busy machine) the overdue
      // ones are sent at once, late. Before each change of the backends, wait until every request scheduled
      // so far has finished, so that no request of one window is sent in the next.
      const settled = async () => {
        const cut = Date.now();
        while (traffic.settledUntil() < cut) await sleep(10);
        return cut;
      };
      await sleep(2500);
      await settled();
      const down = Date.now(); // A stops accepting connections at once: the proxy fails over to B
      await close(a);
      await sleep(2500);
      const lastDown = await settled(); // every request scheduled before this went to B alone
      const back = Date.now();
      a = await backend("A", A); // A is back in rotation
      await sleep(2500);
      const samples = columns(await traffic.stop(), startedAt);

      assert.ok(samples.captures, "the samples carry the captured columns");
      assert.equal(samples.captures.backend.length, samples.t.length);
      assert.deepEqual(
        samples.captures.by,
        samples.captures.backend,
        "the JSON field agrees with the header",
      );
      assert.ok(samples.captures.cls.every((c) => c === "2xx"));

      const rel = (x: number) => x - startedAt;
      const windows = scenarioWindows(samples, {
        ...{ faultStart: rel(down), faultEnd: rel(lastDown), baselineMs: 2000 },
        ...{ afterStart: rel(back) + 300, windowMs: 2000 },
      });
      const o: Observations = { windows, samples, faults: [], data: {} };
      const isB = (r: Record<string, string | null>) => r.backend === "B";

      const before = expect.share("before", isB, { min: 0.4, max: 0.6 })(o);
      assert.ok(before.ok, `A and B alternate before: ${before.observed}`);
      const during = expect.share("during", isB, { min: 0.99 }, "B alone serves while A is down")(o);
      assert.ok(during.ok, during.observed);
      assert.match(during.observed, /^backend B: 100%; by B: 100%; cls 2xx: 100% of \d+ \(100% matched\)$/);
      assert.ok(expect.captured("during", "backend", "A", { max: 0 })(o).ok);
      const back_ = expect.captured("after", "backend", "A", { min: 0.4, max: 0.6 })(o);
      assert.ok(back_.ok, `A back in rotation: ${back_.observed}`);
      assert.ok((windows.during?.captures?.backend.B ?? 0) >= 50, JSON.stringify(windows.during));

      // A wrong expectation fails, and says what answered instead.
      const wrong = expect.captured("during", "backend", "A", { min: 0.5 })(o);
      assert.equal(wrong.ok, false);
      assert.match(wrong.observed, /^backend B: 100%; by B: 100%; cls 2xx: 100% of \d+ \(0% matched\)$/);
    } finally {
      await traffic.stop();
    }
  });

  it("a request without an answer captures null, counted as (none)", async () => {
    const traffic = new Traffic(
      {
        url: `http://127.0.0.1:${SINGLE}/`,
        method: "GET",
        headers: {},
        capture: { backend: "header:x-backend" },
      },
      { rate: 20, timeoutMs: 1000 },
    );
    const startedAt = Date.now();
    traffic.start();
    await sleep(300);
    const samples = columns(await traffic.stop(), startedAt);
    assert.ok(samples.t.length >= 3);
    assert.ok(samples.status.every((s) => s === 0));
    assert.ok(samples.captures?.backend.every((v) => v === null));
  });

  it("a load plan captures values per second and over the run, on each embedded engine", async () => {
    let n = 0;
    single = await listen(
      http.createServer((req, res) => {
        req.resume();
        n++;
        res.writeHead(n % 10 === 0 ? 503 : 200, { "x-backend": n % 2 ? "A" : "B", "x-request-id": `r${n}` });
        res.end(JSON.stringify({ n }));
      }),
      SINGLE,
    );
    const plans = {
      open: load.rate(100, "1s"),
      vus: load.constant(2, "1s").thinkTime("20ms"),
      autocannon: load.constant(2, "1s"),
    };
    for (const [engine, plan] of Object.entries(plans)) {
      const r = await plan
        .target(`http://127.0.0.1:${SINGLE}`)
        .capture(
          { backend: "header:x-backend", cls: "status-class", id: "header:x-request-id" },
          { maxValues: 3 },
        )
        .run();
      assert.equal(r.engine, engine);
      const c = r.captures;
      assert.ok(c, `${engine}: result.captures`);
      const sum = (x: Record<string, number>) => Object.values(x).reduce((s, v) => s + v, 0);
      assert.equal(sum(c.backend), r.totals.requests, `${engine}: ${JSON.stringify(c)}`);
      assert.deepEqual(Object.keys(c.backend).sort(), ["A", "B"], engine);
      assert.ok(
        Math.abs(c.backend.A - c.backend.B) <= 2 + r.totals.requests * 0.1,
        JSON.stringify(c.backend),
      );
      assert.equal(c.cls["5xx"], r.totals.byStatus["503"], engine);
      assert.equal(c.cls["2xx"], r.totals.byStatus["200"], engine);
      // request ids: three distinct ones kept, every later one counted as (other)
      assert.equal(Object.keys(c.id).length, 4, JSON.stringify(c.id));
      assert.equal(c.id["(other)"], r.totals.requests - 3);
      const perSecond = r.timeline.reduce((s, x) => s + sum(x.captures?.backend ?? {}), 0);
      assert.equal(perSecond, r.totals.requests, `${engine}: the timeline's counts add up to the run's`);
    }
  });
});
