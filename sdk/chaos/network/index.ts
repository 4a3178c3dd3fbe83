// `chaos.network`: the fluent entry for network faults. Each call returns a new immutable spec.
import { DownFault } from "./down-fault.ts";
import { ToxicFault } from "./toxic-fault.ts";
import {
  bandwidthKind,
  latencyKind,
  limitDataKind,
  lossKind,
  partitionKind,
  resetKind,
  sliceKind,
  slowCloseKind,
  TOXIC_KINDS,
  timeoutKind,
} from "./toxic-kinds.ts";

export const network = {
  /** Adds `ms` of latency to every chunk (Toxiproxy latency); `.jitter(ms)` adds ± jitter. */
  latency: (ms: number) => new ToxicFault(latencyKind, { latency: ms }),
  /** Limits throughput to `kbps` KB/s (1 KB = 1000 bytes). */
  bandwidth: (kbps: number) => new ToxicFault(bandwidthKind, { rate: kbps }),
  /** The proxy stops listening: connections refused, open ones closed. */
  down: () => new DownFault(),
  /** A partition: connections stay open and nothing passes, both ways (a blackhole). */
  partition: () => new ToxicFault(partitionKind, {}, { stream: partitionKind.stream }),
  /** Cuts a fraction of connections (Toxiproxy has no packet loss; this is the closest at layer 4). */
  loss: (fraction: number) => new ToxicFault(lossKind, { fraction }),
  /** Resets connections (TCP RST) on their first data, or `afterMs` later. */
  reset: (afterMs = 0) => new ToxicFault(resetKind, { after: afterMs }),
  /** Delays the close of a connection by `ms`. */
  slowClose: (ms: number) => new ToxicFault(slowCloseKind, { delay: ms }),
  /** Drops all data and closes the connection after `ms` (0: never closes). */
  timeout: (ms = 0) => new ToxicFault(timeoutKind, { timeout: ms }),
  /** Slices data into pieces of about `averageSize` bytes, `delayUs` µs apart. */
  slice: (averageSize: number, sizeVariation = 0, delayUs = 0) =>
    new ToxicFault(sliceKind, { average_size: averageSize, size_variation: sizeVariation, delay: delayUs }),
  /** Closes the connection once `bytes` bytes have passed. */
  limitData: (bytes: number) => new ToxicFault(limitDataKind, { bytes }),
};

export { DownFault } from "./down-fault.ts";
export { type Stream, ToxicFault } from "./toxic-fault.ts";
export { TOXIC_KINDS, type ToxicKind } from "./toxic-kinds.ts";

/** Fault kinds by the name JSON scenarios give them: every toxic kind that has one, and "down". */
export const JSON_NETWORK_FAULTS: Readonly<
  Record<string, (attributes: Record<string, number>) => DownFault | ToxicFault>
> = Object.fromEntries([
  ...TOXIC_KINDS.filter((k) => k.json).map((k) => [
    k.json!,
    (a: Record<string, number>) =>
      new ToxicFault(k, k.params ? k.params(a) : { ...a }, k.stream ? { stream: k.stream } : {}),
  ]),
  ["down", () => new DownFault()],
]);
