import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "../../../sdk/chaos/network/index.ts";
import { faultPlan, processChaos, scenarioPlanProblems } from "../../../sdk/chaos/process/index.ts";

const rbee = { services: { hive: { instances: async () => [] }, queen: {} } };

describe("fault plans", () => {
  it("shows how a process selector resolves; other faults have nothing to resolve", () => {
    assert.deepEqual(faultPlan(processChaos.kill("worker"), rbee), {
      text: "worker → the instances of hive",
      problems: [],
    });
    assert.deepEqual(faultPlan(network.latency(100).on("queen"), rbee), { text: undefined, problems: [] });
  });

  it("names the scenario and fault of every selector that resolves to nothing", () => {
    const problems = scenarioPlanProblems(
      [
        { id: "WC-X", fault: [processChaos.kill("worker"), processChaos.kill("gpu")] },
        { id: "WC-Y", fault: processChaos.pause("queen/workers") },
        { id: "NF-Z" },
      ],
      rbee,
    );
    assert.deepEqual(
      problems.map((p) => p.path),
      ["WC-X.fault[1].selector", "WC-Y.fault[0].selector"],
    );
    assert.match(problems[0].message, /no service or instance group "gpu"/);
  });
});
