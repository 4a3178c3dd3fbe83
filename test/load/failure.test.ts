import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errorKind, isExpectedStatus } from "../../sdk/load/failure.ts";

describe("failure", () => {
  it("uses k6's expected statuses: 200–399", () => {
    assert.deepEqual([199, 200, 204, 302, 399, 400, 404, 500, 0].map(isExpectedStatus), [
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
  it("sorts network errors into kinds", () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(errorKind(e("ECONNREFUSED")), "refused");
    assert.equal(errorKind(e("ECONNRESET")), "reset");
    assert.equal(errorKind(e("UND_ERR_HEADERS_TIMEOUT")), "timeout");
    assert.equal(errorKind(new Error("request timed out")), "timeout"); // autocannon's timeouts
    assert.equal(errorKind(Object.assign(new Error("x"), { cause: { code: "ENOTFOUND" } })), "dns");
    assert.equal(errorKind(e("UND_ERR_DESTROYED")), "closed");
    assert.equal(errorKind(new Error("weird")), "other");
  });
});
