import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { requireSelection, resolveSelector } from "../../../sdk/chaos/process/selector.ts";
import { FaultError } from "../../../sdk/core/errors.ts";

const rbee = { services: { hive: { instances: async () => [] }, queen: {} } };

describe("process fault selectors", () => {
  it("resolves services, instance groups and the word worker", () => {
    assert.deepEqual(resolveSelector(rbee, "queen"), { service: "queen", scope: "service" });
    assert.deepEqual(resolveSelector(rbee, "hive"), { service: "hive", scope: "service" });
    for (const s of ["worker", "workers", "hive/workers", "hive/instances"])
      assert.deepEqual(resolveSelector(rbee, s), { service: "hive", scope: "instances" }, s);
  });

  it("says why a selector names nothing, and lists what exists", () => {
    const r = resolveSelector(rbee, "gpu");
    assert.equal(typeof r, "string");
    assert.match(r as string, /no service or instance group "gpu"/);
    assert.match(r as string, /hive, queen, hive\/instances, worker/);
    assert.match(resolveSelector(rbee, "queen/workers") as string, /queen declares no instances/);
    assert.match(resolveSelector(rbee, "hive/pods") as string, /"pods" after "hive\/" is not instances/);
    assert.match(resolveSelector(rbee, "a/b/c") as string, /more than one/);
    assert.match(resolveSelector(rbee, "") as string, /no selector given/);
  });

  it("refuses 'worker' when no service or several declare instances", () => {
    assert.match(
      resolveSelector({ services: { queen: {} } }, "worker") as string,
      /no service declares instances/,
    );
    const two = { services: { a: { instances: 1 }, b: { instances: 1 } } };
    assert.match(resolveSelector(two, "worker") as string, /ambiguous: a and b/);
    assert.deepEqual(resolveSelector(two, "b/workers"), { service: "b", scope: "instances" });
  });

  it("requireSelection throws a FaultError naming the selector", () => {
    assert.throws(
      () => requireSelection(rbee, "gpu"),
      (e: unknown) => e instanceof FaultError && /selector "gpu" resolves to nothing/.test(e.message),
    );
  });
});
