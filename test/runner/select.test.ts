import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../sdk/core/errors.ts";
import type { DiscoveredScenario } from "../../sdk/runner/discover.ts";
import type { Suite } from "../../sdk/runner/scenario.ts";
import { selectScenarios } from "../../sdk/runner/select.ts";
import { base } from "./fakes.ts";

const s = (id: string, suite: Suite): DiscoveredScenario => ({
  file: `scenarios/${id}.ts`,
  definition: { ...base, id, suite, steps: async () => {} },
});
const all = [
  s("ST-002", "stress"),
  s("NF-002", "chaos"),
  s("LT-001", "load"),
  s("NF-001", "chaos"),
  s("WC-001", "chaos"),
];
const ids = (x: DiscoveredScenario[]) => x.map((d) => d.definition.id);

describe("selectScenarios", () => {
  it("takes the selected suites in the order given, ids sorted within a suite", () => {
    assert.deepEqual(ids(selectScenarios(all, { suites: ["chaos", "load", "stress"], only: [] })), [
      "NF-001",
      "NF-002",
      "WC-001",
      "LT-001",
      "ST-002",
    ]);
    assert.deepEqual(ids(selectScenarios(all, { suites: ["stress", "chaos"], only: [] })), [
      "ST-002",
      "NF-001",
      "NF-002",
      "WC-001",
    ]);
  });

  it("--only narrows the selection", () => {
    assert.deepEqual(ids(selectScenarios(all, { suites: ["chaos"], only: ["WC-001", "NF-002"] })), [
      "NF-002",
      "WC-001",
    ]);
  });

  it("unknown ids: one error naming each of them and the known ones", () => {
    assert.throws(
      () => selectScenarios(all, { suites: ["chaos"], only: ["NF-001", "NF-099", "XX-1"] }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.equal(e.input, "--only");
        assert.deepEqual(
          e.problems.map((p) => p.path),
          ["NF-099", "XX-1"],
        );
        assert.match(e.message, /no such scenario; known: LT-001, NF-001, NF-002, ST-002, WC-001/);
        return true;
      },
    );
  });

  it("an empty selection is an error naming the suite of each --only id", () => {
    assert.throws(
      () => selectScenarios(all, { suites: ["load"], only: ["NF-001", "ST-002"] }),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(
          e.message,
          /no scenario matches suites load and --only NF-001,ST-002 \(NF-001 is in suite chaos; ST-002 is in suite stress\)/,
        );
        return true;
      },
    );
  });

  it("no scenario at all in the chosen suites is an error too, never a green run of nothing", () => {
    assert.throws(
      () => selectScenarios([s("NF-001", "chaos")], { suites: ["load"], only: [] }),
      /no scenario matches suites load$/m,
    );
  });
});
