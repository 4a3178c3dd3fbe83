import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HivestormError, NonLoopbackTargetError, ValidationError } from "../../sdk/core/errors.ts";
import { assertLoopback, hostOf, isLoopbackHost } from "../../sdk/core/loopback.ts";

describe("errors", () => {
  it("ValidationError lists every problem with its path and names the input", () => {
    const e = new ValidationError("scenarios/x.json", [
      { path: "duration_seconds", message: "must be a positive number" },
      { path: "toxic", message: 'unknown toxic "lag"' },
    ]);
    assert.ok(e instanceof HivestormError);
    assert.equal(e.code, "E_VALIDATION");
    assert.match(e.message, /^scenarios\/x\.json is invalid \(2 problems\)/);
    assert.match(e.message, /- duration_seconds: must be a positive number/);
    assert.match(e.message, /- toxic: unknown toxic "lag"/);
    assert.equal(e.problems.length, 2);
    assert.equal(e.name, "ValidationError");
  });
  it("details become expected/found/what to do lines", () => {
    const e = new HivestormError("E_X", "broken", { expected: "a", found: "b", hint: "c" });
    assert.equal(e.message, "broken\n  expected: a\n  found: b\n  what to do: c");
  });
});

describe("loopback", () => {
  it("recognises loopback hosts", () => {
    for (const h of ["127.0.0.1", "127.9.8.7", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) {
      assert.ok(isLoopbackHost(h), h);
    }
    for (const h of ["10.0.0.1", "192.168.1.1", "8.8.8.8", "example.com", "::", "0.0.0.0", "128.0.0.1"]) {
      assert.ok(!isLoopbackHost(h), h);
    }
  });
  it("extracts hosts from addresses and URLs", () => {
    assert.equal(hostOf("127.0.0.1:8080"), "127.0.0.1");
    assert.equal(hostOf("[::1]:80"), "::1");
    assert.equal(hostOf("http://localhost:9/x"), "localhost");
    assert.equal(hostOf("http://[::1]:9/x"), "::1");
  });
  it("assertLoopback refuses others unless allowed, naming the switch", () => {
    assert.throws(
      () => assertLoopback("10.1.2.3:80", { optIn: "pass --allow-non-loopback" }),
      (e: unknown) => e instanceof NonLoopbackTargetError && /--allow-non-loopback/.test(e.message),
    );
    assertLoopback("10.1.2.3:80", { allow: true });
    assertLoopback("127.0.0.1:80");
  });
});
