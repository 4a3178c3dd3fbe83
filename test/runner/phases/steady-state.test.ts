import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitSteadyState } from "../../../sdk/runner/phases/steady-state.ts";
import type { ServiceStatus } from "../../../sdk/testbed/services.ts";
import { fakeBed, systemAt, tinyService } from "../fakes.ts";

describe("waitSteadyState", () => {
  let status = 200;
  let svc: Awaited<ReturnType<typeof tinyService>>;
  before(async () => {
    svc = await tinyService({ status: () => status });
  });
  after(() => svc.close());
  const signal = new AbortController().signal;

  it("healthy services and one served request: steady", async () => {
    status = 200;
    const bed = fakeBed({ system: systemAt(svc.url), health: async () => [{ service: "app", ok: true }] });
    assert.equal(await waitSteadyState(bed, { timeoutMs: 2000, signal }), undefined);
    assert.ok(svc.hits() >= 1, "the traffic request was sent");
  });

  it("waits for a service that comes back within the timeout", async () => {
    status = 200;
    let probes = 0;
    const health = async (): Promise<ServiceStatus[]> => [{ service: "app", ok: ++probes > 3 }];
    const bed = fakeBed({ system: systemAt(svc.url), health });
    assert.equal(await waitSteadyState(bed, { timeoutMs: 5000, signal }), undefined);
    assert.equal(probes, 4);
  });

  it("names the service that is down, why, and the scenario that left it so", async () => {
    const bed = fakeBed({
      system: systemAt(svc.url),
      health: async () => [
        { service: "app", ok: true },
        { service: "worker", ok: false, why: "its process (pid 42) exited" },
        { service: "db", ok: false },
      ],
    });
    bed.down.set("worker", { after: "WC-001", why: "its process (pid 41) exited" });
    const t0 = Date.now();
    const why = await waitSteadyState(bed, { timeoutMs: 300, signal });
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(
      why,
      "not healthy within 0.3s: worker its process (pid 42) exited (down since WC-001; restarting it failed), db unhealthy",
    );
  });

  it("healthy but the traffic request fails: says what it answered", async () => {
    status = 503;
    const bed = fakeBed({ system: systemAt(svc.url), health: async () => [{ service: "app", ok: true }] });
    const why = await waitSteadyState(bed, { timeoutMs: 300, signal });
    assert.equal(why, `not healthy within 0.3s: GET ${svc.url}/work answered 503: served`);
  });

  it("an abort ends the wait: interrupted", async () => {
    const ac = new AbortController();
    const bed = fakeBed({ system: systemAt(svc.url), health: async () => [{ service: "app", ok: false }] });
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    assert.equal(await waitSteadyState(bed, { timeoutMs: 60_000, signal: ac.signal }), "interrupted");
    assert.ok(Date.now() - t0 < 3000);
  });
});
