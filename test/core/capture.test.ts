import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  captureProblems,
  capturesNeedBody,
  captureValues,
  countValues,
  MAX_VALUE_LENGTH,
  parseCaptures,
} from "../../sdk/core/capture.ts";
import { ValidationError } from "../../sdk/core/errors.ts";

describe("capture specs", () => {
  it("accept the four kinds", () => {
    const spec = { backend: "header:X-Backend", code: "status", cls: "status-class", model: "json:a.b.0" };
    assert.deepEqual(captureProblems(spec), []);
    const c = parseCaptures(spec, "traffic");
    assert.deepEqual(
      c.map((x) => x.source),
      [
        { kind: "header", header: "x-backend" },
        { kind: "status" },
        { kind: "status-class" },
        { kind: "json", path: ["a", "b", "0"] },
      ],
    );
    assert.equal(capturesNeedBody(c), true);
    assert.equal(capturesNeedBody(parseCaptures({ b: "header:x" }, "t")), false);
  });

  it("name every problem at once: bad kind, empty name, empty header, empty path segment, non-string", () => {
    const bad = {
      "": "status",
      backend: "cookie:x",
      h: "header:",
      j: "json:a..b",
      n: 3,
      "two words": "status",
    };
    assert.throws(
      () => parseCaptures(bad as never, "system traffic"),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(e.message, /^system traffic is invalid \(6 problems\)/);
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["capture.", "capture.backend", "capture.h", "capture.j", "capture.n", "capture.two words"],
        );
        assert.match(e.message, /capture\.backend: unknown kind "cookie"; expected "header:<name>"/);
        assert.match(e.message, /capture\.j: expected a dotted path/);
        return true;
      },
    );
    assert.deepEqual(captureProblems(["status"], "traffic.capture")[0].path, "traffic.capture");
    assert.deepEqual(parseCaptures(undefined, "t"), []);
  });
});

describe("captured values", () => {
  const c = parseCaptures(
    { backend: "header:x-backend", code: "status", cls: "status-class", name: "json:result.name" },
    "t",
  );

  it("read a header whatever its case, the status, its class and a JSON field", () => {
    const body = JSON.stringify({ result: { name: "B", n: 1 } });
    assert.deepEqual(captureValues(c, { status: 503, headers: { "X-Backend": "B" }, body }), {
      backend: "B",
      code: "503",
      cls: "5xx",
      name: "B",
    });
    assert.equal(captureValues(c, { status: 200, headers: { "x-backend": ["a", "b"] } }).backend, "a, b");
  });

  it("give null for no response, an absent header, an absent field or a body that is not JSON", () => {
    assert.deepEqual(captureValues(c, { status: 0 }), { backend: null, code: null, cls: null, name: null });
    const v = captureValues(c, { status: 200, headers: {}, body: "<html>" });
    assert.equal(v.backend, null);
    assert.equal(v.name, null);
    assert.equal(captureValues(c, { status: 200, body: '{"result":{}}' }).name, null);
  });

  it("turn numbers, booleans, null and objects into strings, arrays indexed by number, long values cut", () => {
    const j = parseCaptures(
      { a: "json:x", b: "json:y", c: "json:z", d: "json:w.1", e: "json:o", f: "json:l" },
      "t",
    );
    const body = JSON.stringify({
      x: 1.5,
      y: false,
      z: null,
      w: ["p", "q"],
      o: { k: 1 },
      l: "x".repeat(500),
    });
    assert.deepEqual(captureValues(j, { status: 200, body }), {
      a: "1.5",
      b: "false",
      c: "null",
      d: "q",
      e: '{"k":1}',
      f: "x".repeat(MAX_VALUE_LENGTH),
    });
  });

  it("count values, null as (none), most frequent first", () => {
    assert.deepEqual(Object.entries(countValues(["A", "B", null, "B"])), [
      ["B", 2],
      ["(none)", 1],
      ["A", 1],
    ]);
  });
});
