import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "../../../sdk/chaos/network/index.ts";
import { faultPlan, processChaos, scenarioPlanProblems } from "../../../sdk/chaos/process/index.ts";

const rbee = {
  services: { hive: { instances: async () => [] }, queen: { proxy: { listen: "127.0.0.1:8080" } } },
};

describe("fault plans", () => {
  it("shows how a process selector resolves; a network fault needs a proxy in front of its service", () => {
    assert.deepEqual(faultPlan(processChaos.kill("worker"), rbee), {
      text: "worker → the instances of hive",
      problems: [],
    });
    assert.deepEqual(faultPlan(network.latency(100).on("queen"), rbee), { text: undefined, problems: [] });
    assert.match(
      faultPlan(network.latency(100).on("hive"), rbee).problems[0].message,
      /service hive has no proxy in front of it/,
    );
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
