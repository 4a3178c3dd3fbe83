import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isFetchBlockedPort } from "../../sdk/core/bad-ports.ts";
import { ValidationError } from "../../sdk/core/errors.ts";
import { validateSystem } from "../../sdk/system/validate-system.ts";

describe("ports fetch refuses", () => {
  it("are known: fetch itself refuses them", async () => {
    assert.equal(isFetchBlockedPort(10080), true);
    assert.equal(isFetchBlockedPort(8080), false);
    await assert.rejects(fetch("http://127.0.0.1:10080/"), (e: Error & { cause?: Error }) =>
      /bad port/.test(String(e.cause?.message)),
    );
  });

  it("a config with a service or proxy on one is refused, naming the field and the way out", () => {
    assert.throws(
      () =>
        validateSystem("x.config.ts", {
          name: "x",
          services: { a: { url: "http://127.0.0.1:6000", proxy: { listen: "127.0.0.1:10080" } } },
          traffic: { service: "a", path: "/" },
        }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.problems.map((p) => p.path).join() === "services.a.url,services.a.proxy.listen" &&
        /bad port/.test(e.message),
    );
  });
});
