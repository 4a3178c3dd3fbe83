// Network faults → NetworkChaos. hivestorm's faults live on the proxy in front of a service, so "downstream"
// (service → client) is the service pods' egress (direction "to"), "upstream" (client → service) is the
// clients' egress towards it (direction "from", which needs the clients as target), and "both" is both.
import { singleUnitDuration } from "./go-duration.ts";
import { type ChaosMeshOptions, type MappedChaos, type Mapper, podSelectorSpec } from "./mapping.ts";
import type { Direction, NetworkChaosSpec } from "./model.ts";
import { refuse } from "./refusal.ts";

/** Bucket sizes for tc's token bucket filter: Chaos Mesh requires them; these are its documented example. */
export const BANDWIDTH_LIMIT_BYTES = 20_971_520;
export const BANDWIDTH_BUFFER_BYTES = 10_000;

interface ToxicJson {
  kind: string;
  stream?: "upstream" | "downstream" | "both";
  toxicity?: number;
  attributes?: Record<string, number>;
}

function base(
  j: ToxicJson,
  o: ChaosMeshOptions,
  action: NetworkChaosSpec["action"],
  stream: "upstream" | "downstream" | "both",
): { spec: NetworkChaosSpec; differences: string[] } {
  const direction: Direction = stream === "downstream" ? "to" : stream === "upstream" ? "from" : "both";
  const differences: string[] = [];
  if (!o.peer && (direction !== "to" || action === "partition"))
    refuse(
      j.kind,
      `${action === "partition" ? "a partition" : `direction ${direction} (${stream})`} needs the clients' pods: pass a peer selector (export.ts: --peer SERVICE=CLIENT)`,
      "the same NetworkChaos with a target: the pods that call the service",
    );
  if (!o.peer)
    differences.push(
      "no peer given: every packet the pods send is affected, to any destination, not only answers to their clients",
    );
  return {
    spec: {
      selector: podSelectorSpec(o),
      mode: "all",
      action,
      direction,
      ...(o.peer ? { target: { selector: podSelectorSpec(o, o.peer), mode: "all" } } : {}),
    },
    differences,
  };
}

/** A probability per connection has no counterpart: netem and tc act on every packet of the selected pods. */
function allConnections(j: ToxicJson, nearest: string): void {
  if ((j.toxicity ?? 1) < 1)
    refuse(
      j.kind,
      `toxicity ${j.toxicity} (a share of connections) has no counterpart: Chaos Mesh affects every packet of the selected pods`,
      nearest,
    );
}

const latency: Mapper = (json, o): MappedChaos => {
  const j = json as unknown as ToxicJson;
  allConnections(j, "NetworkChaos delay on all connections");
  const { latency: ms = 0, jitter = 0 } = j.attributes ?? {};
  const b = base(j, o, "delay", j.stream ?? "downstream");
  b.spec.delay = {
    latency: singleUnitDuration(ms),
    ...(jitter ? { jitter: singleUnitDuration(jitter) } : {}),
  };
  return {
    kind: "NetworkChaos",
    spec: b.spec,
    differences: [
      "netem delays every packet on the pods' interface; Toxiproxy delays each chunk of data through the proxy",
      ...(jitter ? ["jitter follows netem's distribution, not Toxiproxy's uniform ± jitter"] : []),
      ...b.differences,
    ],
  };
};

const bandwidth: Mapper = (json, o) => {
  const j = json as unknown as ToxicJson;
  allConnections(j, "NetworkChaos bandwidth on all connections");
  const rate = j.attributes?.rate ?? 0;
  const b = base(j, o, "bandwidth", j.stream ?? "downstream");
  // 1 KB = 1000 bytes in hivestorm; tc's kbit is 1000 bits: exact in bits.
  b.spec.bandwidth = {
    rate: `${rate * 8}kbit`,
    limit: BANDWIDTH_LIMIT_BYTES,
    buffer: BANDWIDTH_BUFFER_BYTES,
  };
  return {
    kind: "NetworkChaos",
    spec: b.spec,
    differences: [
      "tc shapes the pod's whole egress, shared by all its connections; Toxiproxy limits each connection alone",
      `tc's token bucket lets bursts of up to ${BANDWIDTH_BUFFER_BYTES} bytes through at full speed`,
      ...b.differences,
    ],
  };
};

const loss: Mapper = (json, o) => {
  const j = json as unknown as ToxicJson;
  const fraction = j.toxicity ?? 1;
  const b = base(j, o, "loss", j.stream ?? "downstream");
  b.spec.loss = { loss: String(Math.round(fraction * 10_000) / 100) };
  return {
    kind: "NetworkChaos",
    spec: b.spec,
    differences: [
      `netem drops ${b.spec.loss.loss}% of packets (TCP retransmits them: latency, and failures only when retries run out); hivestorm cuts ${b.spec.loss.loss}% of connections`,
      ...b.differences,
    ],
  };
};

const partition: Mapper = (json, o) => {
  const j = json as unknown as ToxicJson;
  allConnections(j, "NetworkChaos partition of all connections");
  const b = base(j, o, "partition", j.stream ?? "both");
  return {
    kind: "NetworkChaos",
    spec: b.spec,
    differences: [
      "packets between the pods and their peers are dropped, new connections included (they time out); through the proxy, connections open and hang",
      ...b.differences,
    ],
  };
};

const down: Mapper = (json, o) => {
  const j = json as unknown as ToxicJson;
  const b = base(j, o, "partition", "both");
  return {
    kind: "NetworkChaos",
    spec: b.spec,
    differences: [
      "packets are dropped, so clients wait for their connect timeouts; a proxy that is down refuses connections at once",
      ...b.differences,
    ],
  };
};

const timeout: Mapper = (json, o) => {
  const j = json as unknown as ToxicJson;
  const ms = j.attributes?.timeout ?? 0;
  if (ms !== 0)
    refuse(
      j.kind,
      `a timeout of ${ms} ms closes the connection afterwards; NetworkChaos only drops packets, it never closes`,
      "NetworkChaos partition (without the close)",
    );
  return partition({ ...json, kind: j.kind }, o);
};

const refused =
  (reason: string, nearest: string): Mapper =>
  (json) =>
    refuse(String(json.kind), reason, nearest);

export const NETWORK_MAPPERS: Record<string, Mapper> = {
  "network-latency": latency,
  "network-bandwidth": bandwidth,
  "network-loss": loss,
  "network-partition": partition,
  "network-down": down,
  "network-timeout": timeout,
  "network-reset": refused(
    "NetworkChaos has no TCP reset; HTTPChaos abort closes HTTP requests at the HTTP layer, for every request to a port, with no share of connections",
    "HTTPChaos with abort: true (on port and path)",
  ),
  "network-slow-close": refused(
    "no Chaos Mesh action delays only the close of a connection",
    "NetworkChaos delay (delays every packet, not only the close)",
  ),
  "network-slice": refused(
    "no Chaos Mesh action splits data into small writes",
    "NetworkChaos delay or bandwidth (slow the data, do not fragment it)",
  ),
  "network-limit-data": refused(
    "no Chaos Mesh action closes a connection after a number of bytes",
    "HTTPChaos with abort: true (aborts whole requests)",
  ),
};
