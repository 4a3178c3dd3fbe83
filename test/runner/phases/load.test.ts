import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { LoadPlan } from "../../../sdk/load/plan.ts";
import { runLoadPhase } from "../../../sdk/runner/phases/load.ts";
import { base, fakeBed, newRun, systemAt, tinyService } from "../fakes.ts";

/** A plan that answers at once with a fixed result, recording where it was pointed. */
function fakePlan(seen: { baseUrl?: string }[]): LoadPlan {
  const plan = {
    usesDefaultRequest: false,
    describe: () => "fake plan",
    run: async (o: { baseUrl: string }) => {
      seen.push(o);
      return { requests: 10 };
    },
  };
  return plan as unknown as LoadPlan;
}

describe("runLoadPhase", () => {
  let svc: Awaited<ReturnType<typeof tinyService>>;
  before(async () => {
    svc = await tinyService();
  });
  after(() => svc.close());

  function bedFor(url: string) {
    const system = systemAt(url);
    system.services.app.proxy = { listen: "127.0.0.1:1" };
    return fakeBed({
      system,
      extra: { services: { app: { name: "app", url, clientUrl: "http://127.0.0.1:1" } } },
    });
  }

  it("runs the plan against the service itself, attaches its result, then runs after()", async () => {
    const seen: { baseUrl?: string }[] = [];
    const order: string[] = [];
    const run = newRun(
      {
        ...base,
        load: {
          plan: fakePlan(seen),
          after: async (ctx) => {
            order.push(`after saw ${JSON.stringify(ctx.recorded("load"))}`);
          },
        },
      },
      { bed: bedFor(svc.url) },
    );
    await runLoadPhase(run);
    assert.deepEqual(
      seen.map((s) => s.baseUrl),
      [svc.url],
      "not through the proxy unless asked",
    );
    assert.deepEqual(run.load, { requests: 10 });
    assert.deepEqual(order, ['after saw {"requests":10}']);
    assert.equal(typeof run.data.recoveredAfterMs, "number", "time until the service served again");
    run.dispose();
  });

  it("viaProxy points the plan at the proxy", async () => {
    const seen: { baseUrl?: string }[] = [];
    const run = newRun({ ...base, load: { plan: fakePlan(seen), viaProxy: true } }, { bed: bedFor(svc.url) });
    // The proxy address is closed here: the plan still ran against it.
    await runLoadPhase(run);
    assert.deepEqual(
      seen.map((s) => s.baseUrl),
      ["http://127.0.0.1:1"],
    );
    run.dispose();
  });

  it("skips after() once the run is aborted, and does nothing for a scenario without load", async () => {
    const seen: { baseUrl?: string }[] = [];
    let afterRan = false;
    const aborted = newRun(
      {
        ...base,
        load: {
          plan: fakePlan(seen),
          after: async () => {
            afterRan = true;
          },
        },
      },
      { bed: bedFor(svc.url), signal: AbortSignal.abort() },
    );
    await runLoadPhase(aborted);
    assert.equal(afterRan, false);
    aborted.dispose();
    const none = newRun({ ...base, steps: async () => {} }, { bed: bedFor(svc.url) });
    await runLoadPhase(none);
    assert.equal(seen.length, 1, "only the aborted scenario's plan ran");
    none.dispose();
  });
});
