import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import type { SampleColumns } from "../../sdk/core/journal.ts";
import { windowStats } from "../../sdk/report/analysis.ts";
import { expect, type Observations } from "../../sdk/runner/expect.ts";
import { windowRows } from "../../sdk/runner/expect-share.ts";
import { completedBy, scenarioWindows } from "../../sdk/runner/phases/windows.ts";

// 100 requests 10 ms apart, 5 ms each: before the fault (0-300 ms) all A; during (300-800 ms) B but for
// the 3 first and 1 without an answer; after (800-1000 ms) A and B alternately.
function samples(): SampleColumns {
  const t: number[] = [];
  const backend: (string | null)[] = [];
  for (let i = 0; i < 100; i++) {
    t.push(i * 10);
    if (i < 30) backend.push("A");
    else if (i < 80) backend.push(i < 33 ? "A" : i === 50 ? null : "B");
    else backend.push(i % 2 ? "A" : "B");
  }
  return {
    t,
    latencyMs: t.map(() => 5),
    status: backend.map((b) => (b === null ? 0 : 200)),
    ok: backend.map((b) => b !== null),
    captures: { backend },
  };
}

function observations(s = samples()): Observations {
  const windows = scenarioWindows(s, {
    faultStart: 300,
    faultEnd: 800,
    baselineMs: 300,
    afterStart: 800,
    windowMs: 200,
  });
  return { windows, samples: s, faults: [], data: {} };
}

describe("expect.share", () => {
  it("counts the share of the window's requests whose captured values match, with the split per value", () => {
    const o = observations();
    const c = expect.share("during", (r) => r.backend === "B", { min: 0.9 })(o);
    assert.equal(c.ok, true);
    assert.equal(c.expected, ">= 90%");
    assert.equal(c.observed, "B: 92%, A: 6%, (none): 2% of 50 (92% matched)");
    assert.equal(c.name, "share of requests during the fault");
    const strict = expect.share("during", (r) => r.backend === "B", { min: 0.99 }, "B serves during")(o);
    assert.equal(strict.ok, false);
    assert.equal(strict.name, "B serves during");
  });

  it("holds a max bound, both bounds, and fails with no requests", () => {
    const o = observations();
    assert.equal(expect.share("before", (r) => r.backend === "B", { max: 0 })(o).ok, true);
    assert.equal(expect.share("after", (r) => r.backend === "A", { min: 0.4, max: 0.6 })(o).ok, true);
    assert.equal(expect.share("after", (r) => r.backend === "A", { min: 0.6, max: 0.9 })(o).ok, false);
    const empty = expect.share("during", () => true, { min: 0 })({ ...o, windows: {} });
    assert.deepEqual([empty.ok, empty.observed], [false, "no requests"]);
  });

  it("takes the requests the window's stats counted (before: only those finished by its end)", () => {
    const s = samples();
    s.latencyMs[29] = 50; // started at 290 ms, still in flight when the fault began at 300 ms
    const o = observations(s);
    assert.equal(windowRows(o, "before").length, o.windows.before?.requests);
    assert.equal(windowRows(o, "during").length, o.windows.during?.requests);
    assert.equal(windowRows(o, "before").length, 29);
  });

  it("fails, saying so, when the predicate throws", () => {
    const c = expect.share(
      "during",
      () => {
        throw new Error("boom");
      },
      { min: 0.5 },
    )(observations());
    assert.deepEqual([c.ok, c.observed], [false, "the predicate threw: boom"]);
  });

  it("refuses a bad window, range or predicate, naming every problem", () => {
    assert.throws(
      () => expect.share("durin" as never, "x" as never, { min: 2, max: -1 }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["window", "range.min", "range.max", "predicate"],
        );
        return true;
      },
    );
    assert.throws(() => expect.share("after", () => true, {} as never), /expected \{ min \} or \{ max \}/);
  });
});

describe("expect.captured", () => {
  it("is the share of one capture's value", () => {
    const c = expect.captured("during", "backend", "B", { min: 0.9 })(observations());
    assert.deepEqual([c.ok, c.name], [true, 'backend = "B" during the fault']);
    assert.equal(expect.captured("during", "backend", null, { max: 0.01 })(observations()).ok, false);
  });

  it("fails naming the captures there are when the key was not captured", () => {
    const c = expect.captured("during", "zone", "eu", { min: 0.5 })(observations());
    assert.equal(c.ok, false);
    assert.match(c.observed, /no capture named "zone" \(captured: backend; declare it in traffic.capture\)/);
    const none = observations({ ...samples(), captures: undefined });
    assert.match(
      expect.captured("during", "zone", "eu", { min: 0 })(none).observed,
      /the traffic captures nothing/,
    );
  });
});

describe("window stats with captures", () => {
  it("split each window's requests by captured value; no captures, no field", () => {
    const o = observations();
    assert.deepEqual(o.windows.during?.captures, { backend: { B: 46, A: 3, "(none)": 1 } });
    assert.deepEqual(o.windows.before?.captures, { backend: { A: 30 } });
    const plain = windowStats({ ...samples(), captures: undefined }, 0, 1000);
    assert.equal("captures" in plain, false);
  });

  it("completedBy keeps the captures in step with the other columns", () => {
    const s = samples();
    s.latencyMs[0] = 1000;
    const kept = completedBy(s, 500);
    assert.equal(kept.captures?.backend.length, kept.t.length);
    assert.equal(kept.t[0], 10);
  });
});
