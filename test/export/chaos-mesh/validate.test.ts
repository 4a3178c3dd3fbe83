import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { validateChaosMesh } from "../../../sdk/export/chaos-mesh/validate.ts";

const selector = { namespaces: ["rbee"], labelSelectors: { "app.kubernetes.io/name": "hive" } };

function network(spec: Record<string, unknown> = {}) {
  return {
    apiVersion: "chaos-mesh.org/v1alpha1",
    kind: "NetworkChaos",
    metadata: { name: "hs-latency", namespace: "rbee" },
    spec: { selector, mode: "all", action: "delay", direction: "to", delay: { latency: "500ms" }, ...spec },
  };
}

function workflow(templates: unknown[], entry = "scenario") {
  return {
    apiVersion: "chaos-mesh.org/v1alpha1",
    kind: "Workflow",
    metadata: { name: "hs-nf-002", namespace: "rbee" },
    spec: { entry, templates },
  };
}

const serial = { name: "scenario", templateType: "Serial", children: ["baseline", "fault"] };
const suspend = { name: "baseline", templateType: "Suspend", deadline: "5s" };
const fault = {
  name: "fault",
  templateType: "NetworkChaos",
  deadline: "30s",
  networkChaos: { selector, mode: "all", action: "delay", delay: { latency: "500ms", jitter: "100ms" } },
};

/** The paths of the problems found. */
function paths(o: unknown): string[] {
  return validateChaosMesh(o).map((p) => p.path);
}

describe("validateChaosMesh", () => {
  it("accepts valid objects of every kind, before and after a YAML round trip", () => {
    const valid = [
      network(),
      network({
        action: "bandwidth",
        delay: undefined,
        bandwidth: { rate: "80kbit", limit: 20971520, buffer: 10000 },
      }),
      network({ action: "loss", delay: undefined, loss: { loss: "30" } }),
      network({ action: "partition", delay: undefined, direction: "both" }),
      {
        apiVersion: "chaos-mesh.org/v1alpha1",
        kind: "PodChaos",
        metadata: { name: "kill" },
        spec: { selector, mode: "fixed-percent", value: "50", action: "pod-kill", gracePeriod: 0 },
      },
      {
        apiVersion: "chaos-mesh.org/v1alpha1",
        kind: "StressChaos",
        metadata: { name: "cpu" },
        spec: {
          selector,
          mode: "all",
          stressors: { cpu: { workers: 1, load: 100 }, memory: { workers: 1, size: "256MB" } },
        },
      },
      workflow([serial, suspend, fault]),
    ];
    for (const o of valid) {
      assert.deepEqual(validateChaosMesh(o), [], JSON.stringify(o));
      const back = parse(stringify(o));
      assert.deepEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(o)));
      assert.deepEqual(validateChaosMesh(back), []);
    }
  });

  it("names every missing required field", () => {
    assert.deepEqual(
      paths({
        apiVersion: "chaos-mesh.org/v1alpha1",
        kind: "NetworkChaos",
        metadata: { name: "x" },
        spec: {},
      }),
      ["spec.selector", "spec.mode", "spec.action"],
    );
    assert.deepEqual(paths({ kind: "PodChaos", spec: { selector, mode: "one" } }), [
      "apiVersion",
      "metadata",
      "spec.action",
    ]);
    assert.deepEqual(paths(network({ delay: undefined })), ["spec.delay"]);
    assert.deepEqual(
      paths(network({ action: "bandwidth", delay: undefined, bandwidth: { rate: "1mbps" } })),
      ["spec.bandwidth.limit", "spec.bandwidth.buffer"],
    );
  });

  it("checks the enums: actions, modes, directions, template types, kinds", () => {
    const problems = validateChaosMesh(network({ action: "jitter", mode: "some", direction: "sideways" }));
    assert.deepEqual(
      problems.map((p) => p.path),
      ["spec.mode", "spec.action", "spec.direction"],
    );
    assert.match(problems[0].message, /one, all, fixed, fixed-percent, random-max-percent/);
    assert.match(problems[1].message, /netem, delay, loss, duplicate, corrupt, partition, bandwidth/);
    assert.match(problems[2].message, /to, from, both/);
    assert.deepEqual(paths({ ...network(), kind: "DiskChaos" }), ["kind"]);
    assert.deepEqual(paths({ ...network(), apiVersion: "chaos-mesh.org/v1" }), ["apiVersion"]);
    assert.deepEqual(paths(workflow([serial, suspend, { ...fault, templateType: "Sleep" }])), [
      "spec.templates[2].templateType",
      "spec.templates[2].networkChaos",
    ]);
  });

  it("checks the mode's value", () => {
    const pod = (mode: string, value?: string) => ({
      apiVersion: "chaos-mesh.org/v1alpha1",
      kind: "PodChaos",
      metadata: { name: "kill" },
      spec: { selector, mode, ...(value === undefined ? {} : { value }), action: "pod-kill" },
    });
    assert.deepEqual(paths(pod("fixed", "2")), []);
    assert.deepEqual(paths(pod("fixed")), ["spec.value"]);
    assert.deepEqual(paths(pod("fixed", "0")), ["spec.value"]);
    assert.deepEqual(paths(pod("fixed-percent", "101")), ["spec.value"]);
    assert.deepEqual(paths(pod("fixed-percent", "12.5")), ["spec.value"]);
    assert.deepEqual(paths(pod("random-max-percent", "30")), []);
  });

  it("checks duration, rate, percentage and size syntax", () => {
    assert.deepEqual(paths(network({ duration: "30 s" })), ["spec.duration"]);
    assert.deepEqual(paths(network({ duration: "1m30s" })), []);
    assert.deepEqual(paths(network({ delay: { latency: "1m30s", jitter: "10" } })), [
      "spec.delay.latency",
      "spec.delay.jitter",
    ]);
    assert.deepEqual(paths(network({ action: "loss", delay: undefined, loss: { loss: "thirty" } })), [
      "spec.loss.loss",
    ]);
    assert.deepEqual(paths(network({ action: "loss", delay: undefined, loss: { loss: "130" } })), [
      "spec.loss.loss",
    ]);
    assert.deepEqual(
      paths(
        network({
          action: "bandwidth",
          delay: undefined,
          bandwidth: { rate: "10 KB/s", limit: 0, buffer: 1.5 },
        }),
      ),
      ["spec.bandwidth.rate", "spec.bandwidth.limit", "spec.bandwidth.buffer"],
    );
    const stress = (memory: unknown) => ({
      apiVersion: "chaos-mesh.org/v1alpha1",
      kind: "StressChaos",
      metadata: { name: "mem" },
      spec: { selector, mode: "all", stressors: { memory } },
    });
    assert.deepEqual(paths(stress({ workers: 1, size: "12345B" })), []);
    assert.deepEqual(paths(stress({ workers: 1, size: "50%" })), []);
    assert.deepEqual(paths(stress({ workers: 0, size: "150%" })), [
      "spec.stressors.memory.workers",
      "spec.stressors.memory.size",
    ]);
    assert.deepEqual(paths(stress({ workers: 1, size: "lots", oomScoreAdj: 2000 })), [
      "spec.stressors.memory.oomScoreAdj",
      "spec.stressors.memory.size",
    ]);
  });

  it("needs a target for netem from/both, as Chaos Mesh's webhook does, but not for a partition", () => {
    assert.deepEqual(paths(network({ direction: "from" })), ["spec.direction"]);
    assert.deepEqual(paths(network({ direction: "both", target: { selector, mode: "all" } })), []);
    assert.deepEqual(paths(network({ action: "partition", delay: undefined, direction: "both" })), []);
  });

  it("refuses a selector that narrows nothing, and bad names", () => {
    assert.deepEqual(paths(network({ selector: { namespaces: ["rbee"] } })), ["spec.selector"]);
    assert.deepEqual(paths({ ...network(), metadata: { name: "NF_002", namespace: "Rbee" } }), [
      "metadata.name",
      "metadata.namespace",
    ]);
  });

  it("checks a Workflow's structure", () => {
    assert.deepEqual(paths(workflow([serial, suspend, fault], "main")), ["spec.entry"]);
    assert.deepEqual(paths(workflow([])), ["spec.templates"]);
    assert.deepEqual(paths(workflow([{ ...serial, children: ["baseline", "nowhere"] }, suspend, fault])), [
      "spec.templates[0].children[1]",
    ]);
    assert.deepEqual(paths(workflow([serial, { ...suspend, deadline: undefined }, fault])), [
      "spec.templates[1].deadline",
    ]);
    assert.deepEqual(paths(workflow([serial, suspend, { ...fault, deadline: undefined }])), [
      "spec.templates[2].deadline",
    ]);
    assert.deepEqual(paths(workflow([serial, suspend, suspend, fault])), ["spec.templates[2].name"]);
    assert.deepEqual(
      paths(
        workflow([serial, suspend, { ...fault, networkChaos: { ...fault.networkChaos, duration: "30s" } }]),
      ),
      ["spec.templates[2].networkChaos.duration"],
    );
    assert.deepEqual(paths(workflow([serial, { ...suspend, podChaos: {} }, fault])), [
      "spec.templates[1].podChaos",
    ]);
    assert.deepEqual(paths(workflow([serial, suspend, { ...fault, networkChaos: undefined }])), [
      "spec.templates[2].networkChaos",
    ]);
  });
});

describe("validateChaosMesh on unknown fields", () => {
  it("names a misspelt field at every level, as kubectl's strict field validation would", () => {
    assert.deepEqual(paths({ ...network(), status: {} }), ["status"]);
    assert.deepEqual(paths({ ...network(), metadata: { name: "x", lables: {} } }), ["metadata.lables"]);
    assert.deepEqual(paths(network({ gracePeriodSeconds: 5 })), ["spec.gracePeriodSeconds"]);
    assert.deepEqual(paths(network({ selector: { ...selector, labelSelector: {} } })), [
      "spec.selector.labelSelector",
    ]);
    assert.deepEqual(paths(network({ delay: { latency: "1ms", jiter: "1ms" } })), ["spec.delay.jiter"]);
    assert.deepEqual(paths(workflow([serial, { ...suspend, duration: "5s" }, fault])), [
      "spec.templates[1].duration",
    ]);
    assert.match(
      validateChaosMesh(network({ lantency: "1ms" }))[0].message,
      /unknown field: NetworkChaos has selector, mode, value, action/,
    );
  });
});
