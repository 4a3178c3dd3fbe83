import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { HivestormError, ValidationError } from "../../sdk/core/errors.ts";
import { discoverScenarios } from "../../sdk/runner/discover.ts";
import { parseJsonScenario } from "../../sdk/runner/json-scenario.ts";

const valid = {
  id: "NF-010",
  name: "Latency 1 s",
  toxic: "latency",
  attributes: { latency: 1000 },
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
        "toxic",
      ]);
    }
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
