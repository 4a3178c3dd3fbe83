import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { inferencePattern } from "../../scenarios/_lib/rbee-patterns.ts";
import { network } from "../../sdk/chaos/network/index.ts";
import { processChaos } from "../../sdk/chaos/process/index.ts";
import { resource } from "../../sdk/chaos/resource/index.ts";
import { validateChaosMesh } from "../../sdk/export/chaos-mesh/validate.ts";
import { exportScenario, type ScenarioExportOptions } from "../../sdk/export/scenario-export.ts";
import { load } from "../../sdk/load/load.ts";
import { discoverScenarios } from "../../sdk/runner/discover.ts";
import { expect } from "../../sdk/runner/expect.ts";
import type { ScenarioDefinition } from "../../sdk/runner/scenario.ts";

const root = resolve(import.meta.dirname, "../..");

const OPTIONS: ScenarioExportOptions = {
  namespace: "rbee",
  labelKey: "app.kubernetes.io/name",
  peers: { hive: ["queen"] },
  parallelism: 4,
  baseUrlFor: (s) => (s === "queen" ? "http://queen.rbee.svc:8080" : undefined),
  entryService: "queen",
  traffic: { method: "POST", path: "/v1/inference", body: { prompt: "hi" }, rate: 20 },
  prometheusRw: "http://prometheus.monitoring.svc:9090/api/v1/write",
};

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
  spec?: { parallelism?: number; script?: { configMap?: { name?: string; file?: string } } };
}

/** Every problem with the YAML files of one export: Chaos Mesh objects, and the ConfigMap + TestRun pairs. */
function manifestProblems(files: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    if (!name.endsWith(".yaml")) continue;
    const docs = parseAllDocuments(text);
    const objects = docs.map((d) => {
      for (const e of d.errors) problems.push(`${name}: ${e.message}`);
      return d.toJS() as Doc;
    });
    for (const o of objects) {
      if (o.apiVersion === "chaos-mesh.org/v1alpha1")
        for (const p of validateChaosMesh(o)) problems.push(`${name}: ${p.path}: ${p.message}`);
      else if (o.kind === "TestRun") {
        if (!(Number.isInteger(o.spec?.parallelism) && (o.spec?.parallelism ?? 0) >= 1))
          problems.push(`${name}: TestRun parallelism ${o.spec?.parallelism}`);
        const cm = objects.find(
          (x) => x.kind === "ConfigMap" && x.metadata?.name === o.spec?.script?.configMap?.name,
        );
        if (!cm?.data?.[o.spec?.script?.configMap?.file ?? ""])
          problems.push(`${name}: TestRun's script is not in the file`);
      } else if (o.kind !== "ConfigMap") problems.push(`${name}: unexpected ${o.apiVersion} ${o.kind}`);
    }
  }
  return problems;
}

function scenario(extra: Record<string, unknown>): ScenarioDefinition {
  return {
    id: "X-001",
    name: "a test scenario",
    suite: "chaos",
    category: "network",
    expected: "it holds",
    expect: [expect.successRate("during", 0.99), expect.recovered()],
    ...extra,
  } as ScenarioDefinition;
}

describe("exportScenario on the suite", () => {
  it("exports every scenario to manifests that pass validation, or refuses it with a reason", async () => {
    const found = await discoverScenarios(root);
    assert.ok(found.length >= 20);
    let exported = 0;
    for (const s of found) {
      const r = exportScenario(s.file, s.definition, OPTIONS);
      if (r.status === "refused") {
        assert.ok(r.reason.length > 20, `${r.id}: ${r.reason}`);
        continue;
      }
      exported++;
      assert.deepEqual(manifestProblems(r.files), [], r.id);
      assert.match(r.files["README.md"], new RegExp(`^# ${r.id}: `));
    }
    assert.ok(exported >= 1, "at least one scenario of the suite exports");
  });
});

describe("exportScenario", () => {
  it("a fault scenario: a Workflow, its traffic as a TestRun aimed at the entry service, and a README", () => {
    const r = exportScenario(
      "x.ts",
      scenario({ fault: network.latency(500).on("hive"), duration: "30s" }),
      OPTIONS,
    );
    assert.equal(r.status, "exported");
    if (r.status !== "exported") return;
    assert.deepEqual(Object.keys(r.files).sort(), ["README.md", "load.yaml", "workflow.yaml"]);
    assert.deepEqual(manifestProblems(r.files), []);
    assert.match(r.files["load.yaml"], /BASE_URL = __ENV.BASE_URL \|\| "http:\/\/queen.rbee.svc:8080"/);
    assert.match(r.files["load.yaml"], /--out experimental-prometheus-rw/);
    assert.match(r.files["README.md"], /kubectl apply -f workflow.yaml/);
    assert.match(
      r.files["README.md"],
      /k6_http_reqs_total\{testid="hs-x-001-traffic",expected_response="true"\}\[30s\]/,
    );
  });

  it("a fault on the entry service has the load generator's pods as its peer", () => {
    const r = exportScenario("x.ts", scenario({ fault: network.partition().on("queen") }), OPTIONS);
    assert.equal(r.status, "exported");
    if (r.status !== "exported") return;
    assert.match(r.files["workflow.yaml"], /k6_cr: hs-x-001-traffic\n\s+runner: "true"/);
  });

  it("a list of faults: applied together", () => {
    const r = exportScenario(
      "x.ts",
      scenario({ fault: [network.latency(100).on("hive"), processChaos.kill("worker").count(2)] }),
      OPTIONS,
    );
    assert.equal(r.status, "exported");
    if (r.status === "exported") assert.match(r.files["workflow.yaml"], /templateType: Parallel/);
  });

  it("a load scenario: a TestRun with the parallelism, its split in the README", () => {
    const r = exportScenario(
      "lt.ts",
      scenario({
        suite: "load",
        load: { plan: inferencePattern(), service: "queen" },
        expect: [expect.thresholdsHeld()],
      }),
      OPTIONS,
    );
    assert.equal(r.status, "exported");
    if (r.status !== "exported") return;
    assert.deepEqual(Object.keys(r.files).sort(), ["README.md", "load.yaml"]);
    assert.deepEqual(manifestProblems(r.files), []);
    assert.match(r.files["load.yaml"], /parallelism: 4/);
    assert.match(r.files["README.md"], /\| 1 \| 0:1\/4 \| 0 \| 250, 250, 0 \| 250 \|/);
    assert.match(r.files["README.md"], /k6 thresholds stay k6 thresholds/);
  });

  it("refuses custom steps, naming the field and what the declared fault would be", () => {
    for (const key of ["steps", "during", "run"]) {
      const r = exportScenario(
        "x.ts",
        scenario({ [key]: async () => {}, fault: network.latency(100).on("hive") }),
        OPTIONS,
      );
      assert.equal(r.status, "refused");
      if (r.status === "refused") {
        assert.match(r.reason, new RegExp(`custom steps \\(\`${key}\`\\) are code`));
        assert.match(r.reason, /network-latency would map to NetworkChaos/);
      }
    }
  });

  it("refuses a fault without counterpart, one with a bad target, a load too wide, and a scenario with neither", () => {
    const reasons = [
      scenario({ fault: network.slice(64).on("hive") }),
      scenario({ fault: network.partition().on("worker") }),
      scenario({ fault: processChaos.kill("hive/instances").when("inference") }),
      scenario({ load: { plan: load.constant(2, "10s") } }),
      scenario({}),
    ].map((d) => {
      const r = exportScenario("x.ts", d, OPTIONS);
      assert.equal(r.status, "refused");
      return r.status === "refused" ? r.reason : "";
    });
    assert.match(reasons[0], /network-slice.*nearest counterpart/);
    assert.match(reasons[1], /needs the clients' pods.*--peer/);
    assert.match(reasons[2], /when\("inference"\)/);
    assert.match(reasons[3], /parallelism 4 is more than the plan's 2 VUs/);
    assert.match(reasons[4], /declares no fault and no load/);
  });

  it("without traffic, a fault scenario gets no TestRun and says so", () => {
    const r = exportScenario("x.ts", scenario({ fault: network.latency(500).on("hive") }), {
      ...OPTIONS,
      traffic: undefined,
    });
    assert.equal(r.status, "exported");
    if (r.status !== "exported") return;
    assert.deepEqual(Object.keys(r.files).sort(), ["README.md", "workflow.yaml"]);
    assert.match(r.files["README.md"], /no TestRun/);
  });
});

describe("exportScenario's reasons", () => {
  it("gives the fault kind's refusal before a question of selectors", () => {
    const r = exportScenario(
      "x.ts",
      scenario({ fault: resource.connections(10).on("http://127.0.0.1:8080") }),
      OPTIONS,
    );
    assert.equal(r.status, "refused");
    if (r.status === "refused") assert.match(r.reason, /resource-connections.*a connection flood is load/);
  });
});
