import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { Traffic, trafficRequest } from "../../sdk/runner/traffic.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { validateSystem } from "../../sdk/system/validate-system.ts";

const system = (capture?: Record<string, string>): SystemDefinition => ({
  name: "lb",
  services: { lb: { url: "http://127.0.0.1:3101", proxy: { listen: "127.0.0.1:3102" } } },
  traffic: { service: "lb", method: "GET", path: "/", ...(capture ? { capture } : {}) },
});

describe("traffic captures", () => {
  it("the system's traffic.capture travels with the request", () => {
    assert.deepEqual(trafficRequest(system({ backend: "header:x-backend" })).capture, {
      backend: "header:x-backend",
    });
    assert.equal("capture" in trafficRequest(system()), false);
  });

  it("a bad capture is refused before anything is sent, naming every problem", () => {
    const req = { ...trafficRequest(system()), capture: { backend: "header", "": "json:" } };
    assert.throws(
      () => new Traffic(req, { rate: 10, timeoutMs: 100 }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(e.message, /^traffic capture is invalid \(3 problems\)/);
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["traffic.capture.backend", "traffic.capture.", "traffic.capture."],
        );
        return true;
      },
    );
  });

  it("the system's validation lists bad captures with its other problems", () => {
    const s = system({ backend: "cookie:x" });
    s.traffic.rate = -1;
    assert.throws(
      () => validateSystem("my.config.ts", s),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["traffic.rate", "traffic.capture.backend"],
        );
        return true;
      },
    );
  });

  it("after an event-loop stall, the starts it made overdue count as unsettled until they are sent", async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "x-backend": "A" }).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const traffic = new Traffic(
      { url, method: "GET", headers: {}, capture: { backend: "header:x-backend" } },
      { rate: 10, timeoutMs: 1000 },
    );
    try {
      traffic.start();
      await new Promise((r) => setTimeout(r, 250));
      // nothing in flight (a start every 100 ms, answered in a few)
      while (traffic.settledUntil() < Date.now()) await new Promise((r) => setImmediate(r));
      const stalled = Date.now();
      while (Date.now() - stalled < 400); // a stall: no timer runs, 3 or 4 starts fall due
      const settled = traffic.settledUntil();
      assert.ok(settled <= stalled + 100, `settled until ${settled - stalled} ms into a 400 ms stall`);
      await new Promise((r) => setTimeout(r, 200));
      const samples = await traffic.stop();
      assert.ok(samples.filter((x) => x.start > stalled && x.start < stalled + 400).length >= 3);
      assert.ok(samples.every((x) => x.captures?.backend === "A"));
    } finally {
      await traffic.stop();
      await new Promise((r) => server.close(r));
    }
  });
});
