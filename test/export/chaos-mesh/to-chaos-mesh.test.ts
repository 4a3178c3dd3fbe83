import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse, stringify } from "yaml";
import type { FaultSpec } from "../../../sdk/chaos/fault.ts";
import { network, TOXIC_KINDS } from "../../../sdk/chaos/network/index.ts";
import { processChaos } from "../../../sdk/chaos/process/index.ts";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import { ValidationError } from "../../../sdk/core/errors.ts";
import type { ChaosMeshOptions } from "../../../sdk/export/chaos-mesh/mapping.ts";
import type {
  ChaosObject,
  NetworkChaosSpec,
  PodChaosSpec,
  StressChaosSpec,
} from "../../../sdk/export/chaos-mesh/model.ts";
import { ExportRefusedError } from "../../../sdk/export/chaos-mesh/refusal.ts";
import { CHAOS_MESH_MAPPERS } from "../../../sdk/export/chaos-mesh/registry.ts";
import { toChaosMesh } from "../../../sdk/export/chaos-mesh/to-chaos-mesh.ts";
import { validateChaosMesh } from "../../../sdk/export/chaos-mesh/validate.ts";

const hive = { labelSelectors: { "app.kubernetes.io/name": "hive" } };
const queen = { labelSelectors: { "app.kubernetes.io/name": "queen" } };
const O: ChaosMeshOptions = { namespace: "rbee", selector: hive, peer: queen };

/** One spec of every fault kind hivestorm has, built through the public builders. */
const SAMPLES: FaultSpec[] = [
  network.latency(500).jitter(100).on("hive"),
  network.bandwidth(10).on("hive"),
  network.partition().on("hive"),
  network.loss(0.3).on("hive"),
  network.reset().on("hive"),
  network.slowClose(100).on("hive"),
  network.timeout(0).on("hive"),
  network.slice(64, 16, 2000).on("hive"),
  network.limitData(1000).on("hive"),
  network.down().on("hive"),
  processChaos.kill("worker").count(1),
  processChaos.stop("worker", { grace: "5s" }),
  processChaos.pause("worker"),
  processChaos.restart("worker"),
  processChaos.oom("worker"),
  resource.cpu({ load: 100 }).on("hive"),
  resource.memory({ bytes: 64 * 2 ** 20 }).on("hive"),
  resource.disk.fill({ percent: 100 }).on("/var/cache/hive"),
  resource.fds({ leave: 8 }).on("hive"),
  resource.connections(100).on("http://127.0.0.1:8080"),
  resource
    .vram({ percent: 100 })
    .on("http://127.0.0.1:9300")
    .simulated({ health: "/health", hold: "/v1/debug/vram" }),
];

function spec<T>(o: ChaosObject): T {
  return o.spec as T;
}

function refusal(fn: () => unknown): ExportRefusedError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ExportRefusedError) return error;
    throw error;
  }
  assert.fail("expected a refusal");
}

describe("the Chaos Mesh registry", () => {
  it("has an entry for every fault kind hivestorm has", () => {
    const kinds = new Set(SAMPLES.map((s) => s.kind));
    for (const k of TOXIC_KINDS) assert.ok(kinds.has(k.id), `a sample of ${k.id}`);
    assert.deepEqual([...kinds].sort(), Object.keys(CHAOS_MESH_MAPPERS).sort());
  });

  it("exports every kind to a valid object that survives a YAML round trip, or refuses it by name with the nearest counterpart", () => {
    for (const fault of SAMPLES) {
      let object: ChaosObject;
      try {
        object = toChaosMesh(fault, { ...O, duration: "30s" });
      } catch (error) {
        assert.ok(error instanceof ExportRefusedError, `${fault.kind}: ${(error as Error).message}`);
        assert.match(
          error.message,
          new RegExp(`^cannot export ${fault.kind} to Chaos Mesh: .+; nearest counterpart: .+`),
        );
        continue;
      }
      assert.deepEqual(validateChaosMesh(object), [], fault.kind);
      const back = parse(stringify(object));
      assert.deepEqual(back, JSON.parse(JSON.stringify(object)), fault.kind);
      assert.deepEqual(validateChaosMesh(back), [], fault.kind);
      assert.equal(object.spec.duration, "30s");
    }
  });

  it("refuses an unknown kind by name", () => {
    const custom: FaultSpec = {
      kind: "custom-thing",
      validate: () => [],
      describe: () => "a custom fault",
      target: () => "hive",
      toJSON: () => ({}),
      applyRaw: async () => ({ revert: async () => {} }),
    };
    assert.match(refusal(() => toChaosMesh(custom, O)).message, /custom-thing.*no Chaos Mesh mapping/);
  });

  it("refuses an invalid spec with its problems, before mapping", () => {
    assert.throws(() => toChaosMesh(network.latency(-5).on("hive"), O), ValidationError);
  });
});

describe("network faults → NetworkChaos", () => {
  it("latency: delay with jitter on the service's answers (direction to, the clients as target)", () => {
    const s = spec<NetworkChaosSpec>(toChaosMesh(network.latency(500).jitter(100).on("hive"), O));
    assert.equal(s.action, "delay");
    assert.equal(s.direction, "to");
    assert.deepEqual(s.delay, { latency: "500ms", jitter: "100ms" });
    assert.deepEqual(s.selector, { namespaces: ["rbee"], ...hive });
    assert.deepEqual(s.target, { selector: { namespaces: ["rbee"], ...queen }, mode: "all" });
    assert.equal(s.mode, "all");
  });

  it("stream maps to direction; client → service needs the clients", () => {
    assert.equal(
      spec<NetworkChaosSpec>(toChaosMesh(network.latency(100).upstream().on("hive"), O)).direction,
      "from",
    );
    assert.equal(
      spec<NetworkChaosSpec>(toChaosMesh(network.latency(100).both().on("hive"), O)).direction,
      "both",
    );
    const noPeer = { namespace: "rbee", selector: hive };
    assert.match(
      refusal(() => toChaosMesh(network.latency(100).upstream().on("hive"), noPeer)).message,
      /needs the clients' pods.*--peer/,
    );
    const alone = spec<NetworkChaosSpec>(toChaosMesh(network.latency(100).on("hive"), noPeer));
    assert.equal(alone.target, undefined);
    assert.equal(alone.direction, "to");
  });

  it("refuses a share of connections (toxicity) on kinds that act on every packet", () => {
    const e = refusal(() => toChaosMesh(network.latency(100).toxicity(0.5).on("hive"), O));
    assert.match(e.message, /toxicity 0.5/);
    assert.equal(e.faultKind, "network-latency");
  });

  it("bandwidth in bits, loss as a percentage of packets, partitions and down both ways", () => {
    assert.deepEqual(spec<NetworkChaosSpec>(toChaosMesh(network.bandwidth(10).on("hive"), O)).bandwidth, {
      rate: "80kbit",
      limit: 20_971_520,
      buffer: 10_000,
    });
    assert.deepEqual(spec<NetworkChaosSpec>(toChaosMesh(network.loss(0.3).on("hive"), O)).loss, {
      loss: "30",
    });
    for (const f of [
      network.partition().on("hive"),
      network.down().on("hive"),
      network.timeout(0).on("hive").both(),
    ]) {
      const s = spec<NetworkChaosSpec>(toChaosMesh(f, O));
      assert.equal(s.action, "partition", f.kind);
      assert.equal(s.direction, "both", f.kind);
    }
    assert.match(
      refusal(() => toChaosMesh(network.partition().on("hive"), { namespace: "rbee", selector: hive }))
        .message,
      /partition needs the clients/,
    );
    assert.match(
      refusal(() => toChaosMesh(network.timeout(100).on("hive"), O)).message,
      /closes the connection/,
    );
  });
});

describe("process faults → PodChaos", () => {
  it("kill: pod-kill with no grace; count → one or fixed, percent → fixed-percent", () => {
    const one = spec<PodChaosSpec>(toChaosMesh(processChaos.kill("worker").count(1), O));
    assert.deepEqual([one.action, one.gracePeriod, one.mode, one.value], ["pod-kill", 0, "one", undefined]);
    const two = spec<PodChaosSpec>(toChaosMesh(processChaos.kill("worker").count(2), O));
    assert.deepEqual([two.mode, two.value], ["fixed", "2"]);
    const half = spec<PodChaosSpec>(toChaosMesh(processChaos.kill("worker").percent(50), O));
    assert.deepEqual([half.mode, half.value], ["fixed-percent", "50"]);
    assert.match(
      refusal(() => toChaosMesh(processChaos.kill("worker").percent(12.5), O)).message,
      /not whole/,
    );
  });

  it("kill with containers named: container-kill", () => {
    const s = spec<PodChaosSpec>(
      toChaosMesh(processChaos.kill("worker"), { ...O, containerNames: ["worker"] }),
    );
    assert.deepEqual([s.action, s.containerNames], ["container-kill", ["worker"]]);
  });

  it("stop: pod-kill with the grace in whole seconds", () => {
    assert.equal(
      spec<PodChaosSpec>(toChaosMesh(processChaos.stop("worker", { grace: "5s" }), O)).gracePeriod,
      5,
    );
    assert.equal(
      spec<PodChaosSpec>(toChaosMesh(processChaos.stop("worker", { grace: 0 }), O)).gracePeriod,
      0,
    );
    assert.match(
      refusal(() => toChaosMesh(processChaos.stop("worker", { grace: "1500ms" }), O)).message,
      /not whole seconds/,
    );
    assert.match(
      refusal(() => toChaosMesh(processChaos.stop("worker", { signal: "SIGINT" }), O)).message,
      /SIGINT/,
    );
  });

  it("refuses other signals, triggers, pause and OOM, naming the nearest counterpart", () => {
    assert.match(
      refusal(() => toChaosMesh(processChaos.kill("worker", { signal: "SIGTERM" }), O)).nearest,
      /pod-kill with gracePeriod/,
    );
    const when = refusal(() => toChaosMesh(processChaos.kill("worker").when("inference"), O));
    assert.match(when.reason, /when\("inference"\)/);
    assert.match(refusal(() => toChaosMesh(processChaos.pause("worker"), O)).nearest, /pod-failure/);
    assert.match(refusal(() => toChaosMesh(processChaos.oom("worker"), O)).nearest, /StressChaos memory/);
  });

  it("restart: container-kill only when the container is named and there is no grace", () => {
    assert.equal(
      spec<PodChaosSpec>(toChaosMesh(processChaos.restart("worker"), { ...O, containerNames: ["w"] })).action,
      "container-kill",
    );
    assert.match(refusal(() => toChaosMesh(processChaos.restart("worker"), O)).reason, /containerNames/);
    assert.match(
      refusal(() =>
        toChaosMesh(processChaos.restart("worker", { grace: "2s" }), { ...O, containerNames: ["w"] }),
      ).reason,
      /grace/,
    );
  });
});

describe("resource faults → StressChaos", () => {
  it("cpu: a cpu stressor with the fault's workers and load", () => {
    const s = spec<StressChaosSpec>(toChaosMesh(resource.cpu({ load: 80 }).workers(2).on("hive"), O));
    assert.deepEqual(s.stressors, { cpu: { workers: 2, load: 80 } });
    assert.equal(s.mode, "all");
  });

  it("memory in bytes: a memory stressor; a percentage of what is left is refused", () => {
    const s = spec<StressChaosSpec>(toChaosMesh(resource.memory({ bytes: 1048576 }).on("hive"), O));
    assert.deepEqual(s.stressors, { memory: { workers: 1, size: "1048576B" } });
    assert.match(refusal(() => toChaosMesh(resource.memory({ percent: 95 }).on("hive"), O)).reason, /95%/);
  });

  it("refuses disks, descriptors, connections and VRAM", () => {
    for (const f of [
      resource.disk.fill({ percent: 100 }).on("/var/cache/hive"),
      resource.fds().on("hive"),
      resource.connections(10).on("http://127.0.0.1:8080"),
      resource.vram().on("http://127.0.0.1:9300").simulated({ health: "/health", hold: "/v1/debug/vram" }),
    ])
      assert.equal(refusal(() => toChaosMesh(f, O)).faultKind, f.kind);
  });
});
