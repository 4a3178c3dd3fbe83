import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { makeScope, within } from "../../../sdk/core/run-scope.ts";
import {
  BASELINE_MIN_MS,
  backgroundRate,
  baselineFloorMs,
  runBaseline,
} from "../../../sdk/runner/phases/baseline.ts";
import { ScenarioRun } from "../../../sdk/runner/scenario-run.ts";
import { base, fakeBed, systemAt, tinyService } from "../fakes.ts";

describe("runBaseline", () => {
  let failEvery = 0;
  let n = 0;
  let svc: Awaited<ReturnType<typeof tinyService>>;
  before(async () => {
    svc = await tinyService({ status: () => (failEvery && ++n % failEvery === 0 ? 503 : 200) });
  });
  after(() => svc.close());
  const def = { ...base, steps: async () => {}, baseline: "100ms", trafficRate: 20 };

  function run(
    signal = new AbortController().signal,
    onTraffic?: (s: { rps: number; errors: number }) => void,
  ) {
    return new ScenarioRun(def, {
      bed: fakeBed({ system: systemAt(svc.url) }),
      ...{ file: "f.ts", signal, log: () => {}, onTraffic },
    });
  }

  it("samples a healthy system for at least 20 requests at the scenario's rate: a steady state", async () => {
    failEvery = 0;
    const traffic: { rps: number; errors: number }[] = [];
    const r = run(undefined, (s) => traffic.push(s));
    const t0 = Date.now();
    const b = await runBaseline(r, def);
    const took = Date.now() - t0;
    try {
      assert.equal(b.problem, undefined);
      assert.equal(b.baselineMs, 1000, "never shorter than 20 requests at 20/s");
      assert.ok(took >= 990, `baseline lasted ${took} ms`);
      // 20/s for 1 s; a loaded machine may lose a few to the scheduler, never half.
      assert.ok(b.traffic.samples.length >= 16, `${b.traffic.samples.length} samples`);
      assert.ok(traffic.length >= 1, "live progress reported each second");
      assert.ok(traffic[0].rps > 0);
    } finally {
      await b.stop();
      r.dispose();
    }
    const count = b.traffic.samples.length;
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(b.traffic.samples.length, count, "stop() stops the traffic");
  });

  it("a baseline with failures is not a steady state, and says how far off it is", async () => {
    failEvery = 4;
    const r = run();
    const b = await runBaseline(r, def);
    await b.stop();
    r.dispose();
    assert.match(
      b.problem ?? "",
      /^system not in steady state before the fault: baseline success (\d+)\/(\d+) \(needs 99%\)$/,
    );
    const [, ok, all] = /(\d+)\/(\d+)/.exec(b.problem ?? "") ?? [];
    assert.ok(Number(ok) < Number(all));
  });

  it("an abort ends the baseline early", async () => {
    failEvery = 0;
    const ac = new AbortController();
    const r = run(ac.signal);
    setTimeout(() => ac.abort(), 100);
    const t0 = Date.now();
    const b = await runBaseline(r, def);
    await b.stop();
    r.dispose();
    assert.ok(Date.now() - t0 < 1500, "did not wait out the baseline");
  });
});

describe("backgroundRate and baselineFloorMs", () => {
  it("the scenario's rate, else the system's, else 20/s; twice that where the windows sit at their floors", () => {
    assert.equal(backgroundRate({ trafficRate: 25 }, 10), 25);
    assert.equal(backgroundRate({}, 10), 10);
    assert.equal(backgroundRate({}, undefined), 20);
    const quick = makeScope({ timeScale: 0.02 });
    assert.equal(
      within(quick, () => backgroundRate({}, undefined)),
      40,
    );
    assert.equal(
      within(quick, () => backgroundRate({}, 700)),
      1000,
      "never past the 1000/s a system may ask for",
    );
    assert.equal(
      within(makeScope({ timeScale: 0.1 }), () => backgroundRate({}, undefined)),
      20,
    );
  });
  it("the floor is 20 requests' worth, never under 0.5 s", () => {
    assert.equal(baselineFloorMs(20), 1000);
    assert.equal(baselineFloorMs(40), 500);
    assert.equal(baselineFloorMs(1000), BASELINE_MIN_MS);
    assert.equal(baselineFloorMs(3), 6667);
  });
});
