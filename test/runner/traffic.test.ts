import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import { Traffic, trafficRequest } from "../../sdk/runner/traffic.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { validateSystem } from "../../sdk/system/validate-system.ts";

const system = (capture?: Record<string, string>): SystemDefinition => ({
  name: "lb",
  services: { lb: { url: "http://127.0.0.1:1", proxy: { listen: "127.0.0.1:2" } } },
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
});
