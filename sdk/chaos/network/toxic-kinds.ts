// The network fault kinds, each a Toxiproxy toxic with its attributes and checks. Registered explicitly:
// adding a kind is adding an entry here, no switch elsewhere.
import type { Problem } from "../../core/errors.ts";

export interface ToxicKind {
  /** Fault kind id, e.g. "network-latency". */
  id: string;
  /** The Toxiproxy toxic type it uses. */
  toxic: string;
  /** Attributes sent to Toxiproxy, from the builder's parameters. */
  attributes(p: Record<string, number>): Record<string, number>;
  validate(p: Record<string, number>): Problem[];
  describe(p: Record<string, number>): string;
  /** Default toxicity (loss cuts a fraction of connections). */
  toxicity?: (p: Record<string, number>) => number;
  /** The name JSON scenarios give it ("toxic": ...), when they can; the rbee plan's toxic names. */
  json?: string;
  /** The builder's parameters from JSON attributes; default: the attributes as they are. */
  params?: (attributes: Record<string, number>) => Record<string, number>;
  /** Directions it acts on unless told otherwise; default downstream, as Toxiproxy. */
  stream?: "upstream" | "downstream" | "both";
}

const nonNegativeInt = (p: Record<string, number>, key: string, unit: string): Problem[] =>
  Number.isInteger(p[key]) && p[key] >= 0
    ? []
    : [{ path: key, message: `expected a whole number of ${unit} >= 0, found ${JSON.stringify(p[key])}` }];

const positiveInt = (p: Record<string, number>, key: string, unit: string): Problem[] =>
  Number.isInteger(p[key]) && p[key] > 0
    ? []
    : [{ path: key, message: `expected a whole number of ${unit} > 0, found ${JSON.stringify(p[key])}` }];

export const latencyKind: ToxicKind = {
  json: "latency",
  id: "network-latency",
  toxic: "latency",
  attributes: (p) => ({ latency: p.latency, jitter: p.jitter ?? 0 }),
  validate: (p) => [
    ...nonNegativeInt(p, "latency", "ms"),
    ...nonNegativeInt({ jitter: p.jitter ?? 0 }, "jitter", "ms"),
  ],
  describe: (p) => `latency ${p.latency}ms${p.jitter ? ` ± ${p.jitter}ms` : ""}`,
};

export const bandwidthKind: ToxicKind = {
  json: "bandwidth",
  id: "network-bandwidth",
  toxic: "bandwidth",
  attributes: (p) => ({ rate: p.rate }),
  validate: (p) => positiveInt(p, "rate", "KB/s"),
  describe: (p) => `bandwidth ${p.rate} KB/s`,
};

/** A network partition: connections open, nothing passes (a blackhole, as dropped packets look). */
export const partitionKind: ToxicKind = {
  json: "partition",
  id: "network-partition",
  toxic: "timeout",
  stream: "both",
  attributes: () => ({ timeout: 0 }),
  validate: () => [],
  describe: () => "partition (blackhole: connections open, no bytes pass)",
};

/** Toxiproxy has no packet loss: a fraction of connections is cut (reset) instead, through toxicity. */
export const lossKind: ToxicKind = {
  id: "network-loss",
  toxic: "reset_peer",
  attributes: () => ({ timeout: 0 }),
  validate: (p) =>
    p.fraction > 0 && p.fraction <= 1
      ? []
      : [{ path: "fraction", message: `expected a fraction of connections in (0, 1], found ${p.fraction}` }],
  describe: (p) => `loss: ${Math.round(p.fraction * 100)}% of connections cut`,
  toxicity: (p) => p.fraction,
};

export const resetKind: ToxicKind = {
  json: "reset_peer",
  id: "network-reset",
  toxic: "reset_peer",
  params: (a) => ({ after: a.timeout ?? 0 }),
  attributes: (p) => ({ timeout: p.after ?? 0 }),
  validate: (p) => nonNegativeInt({ after: p.after ?? 0 }, "after", "ms"),
  describe: (p) => `connection reset${p.after ? ` after ${p.after}ms` : ""}`,
};

export const slowCloseKind: ToxicKind = {
  json: "slow_close",
  id: "network-slow-close",
  toxic: "slow_close",
  attributes: (p) => ({ delay: p.delay }),
  validate: (p) => nonNegativeInt(p, "delay", "ms"),
  describe: (p) => `slow close ${p.delay}ms`,
};

export const timeoutKind: ToxicKind = {
  json: "timeout",
  id: "network-timeout",
  toxic: "timeout",
  attributes: (p) => ({ timeout: p.timeout }),
  validate: (p) => nonNegativeInt(p, "timeout", "ms"),
  describe: (p) => `timeout ${p.timeout}ms (data dropped, then closed${p.timeout === 0 ? ": never" : ""})`,
};

export const sliceKind: ToxicKind = {
  json: "slicer",
  id: "network-slice",
  toxic: "slicer",
  attributes: (p) => ({
    average_size: p.average_size,
    size_variation: p.size_variation ?? 0,
    delay: p.delay ?? 0,
  }),
  validate: (p) => {
    const problems = [
      ...positiveInt(p, "average_size", "bytes"),
      ...nonNegativeInt({ size_variation: p.size_variation ?? 0 }, "size_variation", "bytes"),
      ...nonNegativeInt({ delay: p.delay ?? 0 }, "delay", "µs"),
    ];
    if ((p.size_variation ?? 0) > p.average_size)
      problems.push({ path: "size_variation", message: "must not exceed average_size" });
    return problems;
  },
  describe: (p) => `slice into ~${p.average_size}-byte pieces${p.delay ? ` every ${p.delay}µs` : ""}`,
};

export const limitDataKind: ToxicKind = {
  json: "limit_data",
  id: "network-limit-data",
  toxic: "limit_data",
  attributes: (p) => ({ bytes: p.bytes }),
  validate: (p) => nonNegativeInt(p, "bytes", "bytes"),
  describe: (p) => `close after ${p.bytes} bytes`,
};

export const TOXIC_KINDS: readonly ToxicKind[] = [
  latencyKind,
  bandwidthKind,
  partitionKind,
  lossKind,
  resetKind,
  slowCloseKind,
  timeoutKind,
  sliceKind,
  limitDataKind,
];
