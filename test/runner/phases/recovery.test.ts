import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { makeScope, within } from "../../../sdk/core/run-scope.ts";
import {
  columns,
  measureRecovery,
  RECOVERY_WINDOW_MIN_MS,
  recoveryWindowMs,
} from "../../../sdk/runner/phases/recovery.ts";
import type { StepsScenario } from "../../../sdk/runner/scenario.ts";
import type { Sample, Traffic } from "../../../sdk/runner/traffic.ts";
import { base } from "../fakes.ts";

/** Traffic that already holds its samples: one every 50 ms over [from, to), failing while `failing(t)`. */
function pastTraffic(from: number, to: number, failing: (t: number) => boolean): Traffic {
  const samples: Sample[] = [];
  for (let t = from; t < to; t += 50)
    samples.push({ start: t, latencyMs: 5, status: failing(t) ? 503 : 200, ok: !failing(t) });
  return { samples, settledUntil: () => to, options: { rate: 20 } } as unknown as Traffic;
}

const def = (recovery: StepsScenario["recovery"]): StepsScenario => ({
  ...base,
  steps: async () => {},
  recovery,
});
const signal = new AbortController().signal;

describe("measureRecovery", () => {
  it("times recovery from the revert: the first window in which the criterion holds", async () => {
    const now = Date.now();
    const startedAt = now - 10_000;
    const revertAt = now - 4000;
    // Failing until 700 ms after the revert, then fine.
    const traffic = pastTraffic(startedAt, now, (t) => t < revertAt + 700);
    const r = await measureRecovery(def({ deadline: "5s", window: "1s" }), {
      traffic,
      revertAt,
      startedAt,
      signal,
    });
    assert.equal(r.recovered, true);
    assert.equal(r.timeToRecoverMs, 700);
    assert.equal(r.deadlineMs, 5000);
    assert.equal(r.windowMs, 1000);
    assert.match(r.criterion, /99% of requests succeed over 1000 ms/);
  });

  it("not recovered when the service came back only after the deadline", async () => {
    const revertAt = Date.now();
    const startedAt = revertAt - 5000;
    // Samples already known up to 3 s after the revert (one per 50 ms: a window needs 5): failing until 1 s
    // after it, past the 400 ms deadline.
    const traffic = pastTraffic(startedAt, revertAt + 3000, (t) => t < revertAt + 1000);
    const r = await measureRecovery(def({ deadline: "400ms", window: "500ms" }), {
      ...{ traffic, revertAt, startedAt, signal },
    });
    assert.equal(r.recovered, false);
    assert.equal(r.timeToRecoverMs, null);
    // The same samples with a deadline of 2 s: recovered at 1 s.
    const r2 = await measureRecovery(def({ deadline: "2s", window: "500ms" }), {
      ...{ traffic, revertAt, startedAt, signal },
    });
    assert.equal(r2.timeToRecoverMs, 1000);
  });

  it("waits for the deadline plus a window, then gives up", async () => {
    const revertAt = Date.now();
    const samples: Sample[] = [];
    const traffic = { samples, settledUntil: () => Date.now(), options: { rate: 20 } } as unknown as Traffic;
    const timer = setInterval(
      () => samples.push({ start: Date.now(), latencyMs: 1, status: 0, ok: false }),
      20,
    );
    try {
      const r = await measureRecovery(def({ deadline: "400ms", window: "200ms" }), {
        ...{ traffic, revertAt, startedAt: revertAt - 1000, signal },
      });
      const took = Date.now() - revertAt;
      assert.equal(r.recovered, false);
      assert.ok(took >= 600 && took < 3000, `took ${took} ms`);
    } finally {
      clearInterval(timer);
    }
  });

  it("requests still in flight cannot vouch for recovery", async () => {
    const measure = async (inFlightSince: number | undefined) => {
      const revertAt = Date.now();
      const startedAt = revertAt - 5000;
      const traffic = pastTraffic(startedAt, revertAt + 3000, (t) => t < revertAt);
      // The oldest request still running started 100 ms after the revert: nothing after it is settled.
      if (inFlightSince !== undefined)
        (traffic as unknown as { settledUntil: () => number }).settledUntil = () => revertAt + inFlightSince;
      return measureRecovery(def({ deadline: "300ms", window: "500ms" }), {
        traffic,
        revertAt,
        startedAt,
        signal,
      });
    };
    assert.equal((await measure(100)).recovered, false);
    assert.equal((await measure(undefined)).recovered, true, "the same samples, settled, do vouch for it");
  });

  it("an abort ends the measurement at once", async () => {
    const revertAt = Date.now();
    const traffic = {
      samples: [],
      settledUntil: () => Date.now(),
      options: { rate: 20 },
    } as unknown as Traffic;
    const r = await measureRecovery(def({ deadline: "60s" }), {
      ...{ traffic, revertAt, startedAt: revertAt, signal: AbortSignal.abort() },
    });
    assert.equal(r.recovered, false);
    assert.ok(Date.now() - revertAt < 1000);
  });
});

describe("recoveryWindowMs", () => {
  it("the scenario's own window as given; the default 3 s time-scaled, never under 30 samples nor 0.75 s", () => {
    assert.equal(recoveryWindowMs(def({ window: "500ms" })), 500);
    assert.equal(
      within(makeScope({ timeScale: 0.1 }), () => recoveryWindowMs(def({ window: "500ms" }))),
      500,
      "a window of the scenario's own is not scaled",
    );
    assert.equal(recoveryWindowMs(def(undefined)), 3000);
    assert.equal(
      within(makeScope({ timeScale: 0.75 }), () => recoveryWindowMs(def(undefined))),
      2250,
    );
    assert.equal(
      within(makeScope({ timeScale: 0.025 }), () => recoveryWindowMs(def({ deadline: "5s" }))),
      1500,
      "30 samples at the default 20/s",
    );
    assert.equal(
      within(makeScope({ timeScale: 0.025 }), () => recoveryWindowMs(def(undefined), 40)),
      750,
    );
    assert.equal(
      within(makeScope({ timeScale: 0.025 }), () => recoveryWindowMs(def(undefined), 400)),
      RECOVERY_WINDOW_MIN_MS,
    );
    assert.equal(recoveryWindowMs(def(undefined), 5), 6000, "30 samples at 5/s: longer than the 3 s default");
  });
});

describe("columns", () => {
  it("sorts by start, makes t relative to the scenario's start and rounds to microseconds", () => {
    const c = columns(
      [
        { start: 1200.12345, latencyMs: 3.33333, status: 503, ok: false },
        { start: 1100, latencyMs: 1, status: 200, ok: true },
      ],
      1000,
    );
    assert.deepEqual(c, { t: [100, 200.123], latencyMs: [1, 3.333], status: [200, 503], ok: [true, false] });
  });
});
