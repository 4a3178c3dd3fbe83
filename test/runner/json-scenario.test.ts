import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { HivestormError, ValidationError } from "../../sdk/core/errors.ts";
import { definitionProblems, discoverScenarios } from "../../sdk/runner/discover.ts";
import { parseJsonScenario } from "../../sdk/runner/json-scenario.ts";

const valid = {
  id: "NF-010",
  name: "Latency 1 s",
  toxic: "latency",
  attributes: { latency: 1000 },
  target: "hive",
  duration_seconds: 60,
  expected_behavior: "Requests succeed",
  expect: { success_rate_during: 0.99, recovered: true },
};

describe("JSON scenarios", () => {
  it("turn the rbee plan's format into a scenario with a fault and checks", () => {
    const s = parseJsonScenario("x.json", JSON.stringify(valid));
    assert.equal(s.id, "NF-010");
    assert.equal(s.suite, "chaos");
    assert.equal(s.duration, 60_000);
    assert.equal(s.expect.length, 2);
    const fault = Array.isArray(s.fault) ? s.fault[0] : s.fault;
    assert.equal(fault?.describe(), "latency 1000ms on hive (downstream)");
  });

  it("honour target, stream and toxicity", () => {
    const s = parseJsonScenario(
      "x.json",
      JSON.stringify({
        ...valid,
        toxic: "reset_peer",
        attributes: {},
        target: "queen",
        stream: "upstream",
        toxicity: 0.2,
      }),
    );
    const f = (Array.isArray(s.fault) ? s.fault[0] : s.fault)!;
    assert.deepEqual(
      { service: f.toJSON().service, stream: f.toJSON().stream, toxicity: f.toJSON().toxicity },
      { service: "queen", stream: "upstream", toxicity: 0.2 },
    );
  });

  it("report every bad field of an invalid file, naming it", () => {
    const bad = {
      id: "bad id",
      toxic: "lag",
      attributes: { latency: "1s" },
      duration_seconds: 0,
      expect: { success_rate_durnig: 0.9 },
      extra: 1,
    };
    try {
      parseJsonScenario("scenarios/network/bad.json", JSON.stringify(bad));
      assert.fail("should have thrown");
    } catch (e) {
      assert.ok(e instanceof ValidationError);
      assert.match(e.message, /^scenarios\/network\/bad\.json is invalid/);
      const paths = e.problems.map((p) => p.path).sort();
      assert.deepEqual(paths, [
        "attributes.latency",
        "duration_seconds",
        "expect.success_rate_durnig",
        "expected_behavior",
        "extra",
        "id",
        "name",
        "target",
        "toxic",
      ]);
    }
  });

  it("take a list of targets (one fault per service), a traffic capture and share checks", () => {
    const s = parseJsonScenario(
      "x.json",
      JSON.stringify({
        ...valid,
        target: ["app-1", "app-2"],
        capture: { backend: "header:x-backend" },
        expect: {
          share_during: { capture: "backend", equals: "B", min: 0.99 },
          share_after: { capture: "backend", equals: "A", min: 0.2, max: 0.3 },
        },
      }),
    );
    assert.ok(Array.isArray(s.fault));
    assert.deepEqual(
      s.fault.map((f) => f.describe()),
      ["latency 1000ms on app-1 (downstream)", "latency 1000ms on app-2 (downstream)"],
    );
    assert.deepEqual(s.capture, { backend: "header:x-backend" });
    assert.equal(s.roles, undefined);
    const roles = parseJsonScenario(
      "x.json",
      JSON.stringify({ ...valid, target: ["@backend", "app-2"] }),
    ).roles;
    assert.deepEqual(roles, { backend: ["proxy"] }, "a role among the targets needs its proxy");
    const samples = {
      t: [0, 10, 20, 30],
      latencyMs: [1, 1, 1, 1],
      status: [200, 200, 200, 200],
      ok: [true, true, true, true],
      captures: { backend: ["B", "B", "A", "B"] },
    };
    const window = { start: 0, end: 40, requests: 4, ok: 4, failed: 0, errorRate: 0 };
    const stats = { ...window, p50: 1, p95: 1, p99: 1, max: 1, byStatus: { "200": 4 } };
    const o = { windows: { during: stats, after: stats }, samples, faults: [], data: {} };
    const [during, after] = s.expect.map((c) => c(o));
    assert.deepEqual(
      [during.name, during.ok, during.observed],
      ['backend = "B" during the fault', false, "B: 75%, A: 25% of 4 (75% matched)"],
    );
    assert.equal(after.ok, true);
  });

  it("list every problem of targets, captures and share checks", () => {
    const bad = {
      ...valid,
      target: ["app-1", "app-1", ""],
      capture: { backend: "cookie:x", "": "status" },
      expect: {
        share_during: { capture: "", equals: null, min: 2, extra: 1 },
        share_after: { capture: "backend", equals: "B" },
        share_before: "B",
      },
    };
    assert.throws(
      () => parseJsonScenario("s.json", JSON.stringify(bad)),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.problems.map((p) => p.path).sort(), [
          "capture.",
          "capture.backend",
          "expect.share_after",
          "expect.share_before",
          "expect.share_during",
          "target",
        ]);
        const during = e.problems.find((p) => p.path === "expect.share_during")!.message;
        assert.match(during, /unknown field extra; "capture": expected the name of a capture/);
        assert.match(during, /"equals": expected a string, number or boolean, found null/);
        assert.match(during, /"min": expected a fraction in \[0, 1\], found 2/);
        assert.match(
          e.problems.find((p) => p.path === "expect.share_after")!.message,
          /expected "min" or "max"/,
        );
        assert.match(e.message, /capture\.backend: unknown kind "cookie"/);
        return true;
      },
    );
    assert.throws(
      () => parseJsonScenario("s.json", JSON.stringify({ ...valid, target: [] })),
      /target: expected/,
    );
  });

  it("a TypeScript scenario's own capture is checked at discovery, like the JSON one", () => {
    const s = parseJsonScenario("x.json", JSON.stringify(valid));
    assert.deepEqual(definitionProblems({ ...s, capture: { backend: "header:x-backend" } }), []);
    assert.deepEqual(
      definitionProblems({ ...s, capture: { backend: "body", "": "status" } }).map((p) => p.path),
      ["capture.backend", "capture."],
    );
  });

  it("refuse a scenario without checks: one that only ran has not passed", () => {
    assert.throws(
      () => parseJsonScenario("x.json", JSON.stringify({ ...valid, expect: {} })),
      /must be judged/,
    );
  });

  it("refuse attributes the fault itself rejects", () => {
    assert.throws(
      () => parseJsonScenario("x.json", JSON.stringify({ ...valid, attributes: { latency: -3 } })),
      /attributes\.latency: expected a whole number of ms >= 0/,
    );
  });

  it("refuse broken JSON with the file's name", () => {
    assert.throws(() => parseJsonScenario("a/b.json", "{"), /a\/b\.json is invalid[\s\S]*not valid JSON/);
  });

  it("are discovered: adding a file adds a scenario; an invalid one stops discovery with every error", async () => {
    const root = mkdtempSync(join(tmpdir(), "hs-discover-"));
    mkdirSync(join(root, "scenarios", "network"), { recursive: true });
    writeFileSync(join(root, "scenarios", "network", "nf-010.json"), JSON.stringify(valid));
    const found = await discoverScenarios(root);
    assert.deepEqual(
      found.map((f) => [f.file, f.definition.id]),
      [["scenarios/network/nf-010.json", "NF-010"]],
    );
    writeFileSync(
      join(root, "scenarios", "network", "nf-011.json"),
      JSON.stringify({ ...valid, id: "NF-010" }),
    );
    writeFileSync(
      join(root, "scenarios", "network", "nf-012.json"),
      JSON.stringify({ ...valid, toxic: "nope" }),
    );
    await assert.rejects(discoverScenarios(root), (e: unknown) => {
      assert.ok(e instanceof HivestormError);
      assert.match(e.message, /nf-012\.json is invalid[\s\S]*toxic/);
      assert.match(e.message, /duplicate scenario id NF-010/);
      return true;
    });
  });
  it("refuse durations, deadlines and toxic attributes beyond what timers and toxics honour, and unknown suites", () => {
    const bad = {
      ...valid,
      suite: "smoke",
      duration_seconds: 1e12,
      recovery_deadline_seconds: 1e12,
      baseline_seconds: 3e6,
      attributes: { latency: 1e12 },
    };
    assert.throws(
      () => parseJsonScenario("x.json", JSON.stringify(bad)),
      (e: Error) => {
        assert.ok(e instanceof ValidationError);
        assert.deepEqual(e.problems.map((p) => p.path).sort(), [
          "attributes.latency",
          "baseline_seconds",
          "duration_seconds",
          "recovery_deadline_seconds",
          "suite",
        ]);
        assert.match(e.message, /at most 2147483/);
        assert.match(e.message, /attributes.latency: at most 2147483647/);
        return true;
      },
    );
  });
});
