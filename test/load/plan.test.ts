import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { NonLoopbackTargetError, ValidationError } from "../../sdk/core/errors.ts";
import { makeScope, within } from "../../sdk/core/run-scope.ts";
import { load } from "../../sdk/load/load.ts";
import { startServer, type TestServer } from "./helpers.ts";

describe("load plans", () => {
  it("are immutable: each call returns a new plan", () => {
    const a = load.ramp(0, 100, "1m");
    const b = a.hold("2m");
    assert.notEqual(a, b);
    assert.equal(a.state.stages.length, 1);
    assert.equal(b.state.stages.length, 2);
    assert.ok(Object.isFrozen(a.state) && Object.isFrozen(a.state.stages));
    assert.throws(() => {
      (a.state.stages as unknown[]).push({});
    }, TypeError);
  });
  it("build the user's picture: ramp, hold, ramp down", () => {
    const p = load.ramp(0, 1000, "5m").hold("10m").ramp(0, "1m");
    assert.deepEqual(p.state.stages, [
      { duration: "5m", target: 1000 },
      { duration: "10m", target: 1000 },
      { duration: "1m", target: 0 },
    ]);
    assert.equal(p.state.model, "closed");
    assert.match(p.describe(), /closed model, users 0, →1000 in 5m, hold 10m, →0 in 1m \(16m\); GET \//);
  });
  it("spike goes up, holds and comes back to where it started", () => {
    const p = load.spike(100, 2000, { rise: "10s", hold: "1m" });
    assert.deepEqual(
      p.state.stages.map((s) => s.target),
      [2000, 2000, 100],
    );
  });
  it("rate plans are the open model and ramp their rate", () => {
    const p = load.rate(100, "30s").ramp(500, "1m");
    assert.equal(p.state.model, "open");
    assert.match(p.describe(), /open model, req\/s 100, hold 30s, →500 in 1m/);
  });
  it("default to a GET of the target, and say so (a scenario then sends its system's traffic request)", () => {
    const p = load.constant(1, "1s").target("http://127.0.0.1:8080");
    const r = p.resolve().request;
    assert.equal(r.method, "GET");
    assert.equal(r.url, "http://127.0.0.1:8080/");
    assert.equal(p.usesDefaultRequest, true);
    assert.equal(p.request({ method: "POST", url: "/x" }).usesDefaultRequest, false);
  });
  it("scale stage durations with the time scale (--quick), not think time", () => {
    within(makeScope({ timeScale: 0.1 }), () => {
      const r = load.ramp(0, 10, "5m").thinkTime("1s").target("http://127.0.0.1:1").resolve();
      assert.equal(r.totalMs, 30_000);
      assert.equal(r.thinkTimeMs, 1000);
    });
  });
});

describe("bad plans", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());
  afterEach(() => {
    server.arrivals.length = 0;
  });

  it("get one error listing every problem, and no load is started", async () => {
    const plan = load
      .stages([
        { duration: "0s", target: 10 },
        { duration: "5 minutes", target: -5 },
        { duration: "1m", target: 2.5 },
      ])
      .thinkTime("later")
      .threshold("http_req_duration", "p95<500")
      .threshold("http_req_failed", "rate<")
      .target(server.url);
    await assert.rejects(plan.run(), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      const paths = e.problems.map((p) => p.path);
      assert.deepEqual(paths, [
        "stages[0].duration",
        "stages[1].duration",
        "stages[1].target",
        "stages[2].target",
        "thinkTime",
        "thresholds.http_req_duration[0]",
        "thresholds.http_req_failed[0]",
      ]);
      assert.match(e.message, /load plan "load" is invalid \(7 problems\)/);
      return true;
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(server.arrivals.length, 0);
  });
  it("refuses bad captures with every problem, and captures on the k6 engine", async () => {
    assert.throws(
      () => load.rate(1, "1s").capture({ backend: "cookie:x", "": "status" }, { maxValues: 0 }).validate(),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["capture.backend", "capture.", "capture.maxValues"],
        );
        return true;
      },
    );
    const plan = load.rate(1, "1s").capture({ cls: "status-class" }).capture({ b: "header:x-backend" });
    assert.deepEqual(plan.state.capture, { cls: "status-class", b: "header:x-backend" });
    assert.match(plan.describe(), /capture cls, b/);
    await assert.rejects(
      plan.target("http://127.0.0.1:1").run({ engine: "k6" }),
      /the k6 engine does not capture response values/,
    );
  });
  it("refuses a negative rate and a zero duration in the open model", () => {
    assert.throws(
      () => load.rate(-1, 0).validate(),
      (e: unknown) => e instanceof ValidationError && e.problems.length === 3,
    );
  });
  it("needs a target to run", async () => {
    await assert.rejects(load.constant(1, "1s").run(), /set plan\.target\(url\) or pass baseUrl/);
  });
  it("refuses a non-loopback target unless allowed explicitly", async () => {
    await assert.rejects(
      load.constant(1, "1s").run({ baseUrl: "http://192.0.2.1:80" }),
      NonLoopbackTargetError,
    );
  });
  it("refuses an engine that cannot run the model", async () => {
    const p = load.constant(1, "1s").thinkTime("1s").target(server.url);
    await assert.rejects(p.run({ engine: "autocannon" }), /autocannon cannot pause between requests/);
    await assert.rejects(
      load.rate(1, "1s").target(server.url).run({ engine: "vus" }),
      /does not run the open model/,
    );
    assert.equal(server.arrivals.length, 0);
  });
});
