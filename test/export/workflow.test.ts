import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { network } from "../../sdk/chaos/network/index.ts";
import { processChaos } from "../../sdk/chaos/process/index.ts";
import type { ChaosMeshOptions } from "../../sdk/export/chaos-mesh/mapping.ts";
import { ExportRefusedError } from "../../sdk/export/chaos-mesh/refusal.ts";
import { validateChaosMesh } from "../../sdk/export/chaos-mesh/validate.ts";
import { objectName, scenarioTimings, scenarioWorkflow } from "../../sdk/export/workflow.ts";

const O: ChaosMeshOptions = {
  namespace: "rbee",
  selector: { labelSelectors: { app: "hive" } },
  peer: { labelSelectors: { app: "queen" } },
};

describe("scenarioTimings", () => {
  it("takes the scenario's phases, with the runner's defaults and its 2 s floor for the baseline", () => {
    assert.deepEqual(scenarioTimings({}), {
      baselineMs: 5000,
      durationMs: 20_000,
      recoveryMs: 30_000,
      windowMs: 3000,
    });
    assert.deepEqual(
      scenarioTimings({ baseline: "1s", duration: "30s", recovery: { deadline: "15s", window: "5s" } }),
      {
        baselineMs: 2000,
        durationMs: 30_000,
        recoveryMs: 15_000,
        windowMs: 5000,
      },
    );
  });
});

describe("scenarioWorkflow", () => {
  it("runs baseline, fault and recovery serially, with the fault's deadline as its duration", () => {
    const t = scenarioTimings({ duration: "30s", recovery: { deadline: "15s" } });
    const { workflow, faults } = scenarioWorkflow(
      "NF-002",
      [{ fault: network.latency(500).on("hive"), options: O }],
      t,
      "rbee",
    );
    assert.deepEqual(validateChaosMesh(workflow), []);
    assert.equal(workflow.metadata.name, "hs-nf-002");
    assert.equal(workflow.spec.entry, "scenario");
    const byName = Object.fromEntries(workflow.spec.templates.map((x) => [x.name, x]));
    assert.deepEqual(byName.scenario.children, ["baseline", "fault-1-network-latency", "recovery"]);
    assert.equal(byName.baseline.deadline, "5s");
    assert.equal(byName["fault-1-network-latency"].deadline, "30s");
    assert.equal(byName["fault-1-network-latency"].networkChaos?.delay?.latency, "500ms");
    assert.equal(byName["fault-1-network-latency"].networkChaos?.duration, undefined);
    assert.equal(byName.recovery.deadline, "18s");
    assert.equal(faults[0].chaosKind, "NetworkChaos");
    assert.ok(faults[0].differences.length > 0);
    const back = parse(stringify(workflow));
    assert.deepEqual(back, JSON.parse(JSON.stringify(workflow)));
    assert.deepEqual(validateChaosMesh(back), []);
  });

  it("applies several faults together, in a Parallel node", () => {
    const { workflow } = scenarioWorkflow(
      "combo",
      [
        { fault: network.latency(100).on("hive"), options: O },
        {
          fault: processChaos.kill("worker").percent(50),
          options: { ...O, selector: { labelSelectors: { app: "worker" } } },
        },
      ],
      scenarioTimings({}),
      "rbee",
    );
    assert.deepEqual(validateChaosMesh(workflow), []);
    const byName = Object.fromEntries(workflow.spec.templates.map((x) => [x.name, x]));
    assert.deepEqual(byName.scenario.children, ["baseline", "faults", "recovery"]);
    assert.equal(byName.faults.templateType, "Parallel");
    assert.deepEqual(byName.faults.children, ["fault-1-network-latency", "fault-2-process-kill"]);
    assert.equal(byName["fault-2-process-kill"].podChaos?.mode, "fixed-percent");
  });

  it("refuses the whole Workflow when one fault has no counterpart", () => {
    assert.throws(
      () =>
        scenarioWorkflow(
          "x",
          [
            { fault: network.latency(100).on("hive"), options: O },
            { fault: network.slice(64).on("hive"), options: O },
          ],
          scenarioTimings({}),
          "rbee",
        ),
      (e: unknown) => e instanceof ExportRefusedError && e.faultKind === "network-slice",
    );
  });
});

describe("objectName", () => {
  it("makes a DNS-1123 name of a scenario id", () => {
    assert.equal(objectName("NF-001"), "hs-nf-001");
    assert.equal(objectName("stress_CPU 2"), "hs-stress-cpu-2");
    assert.ok(objectName("x".repeat(100)).length <= 63);
  });
});
