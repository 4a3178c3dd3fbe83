import { bandwidth } from "./bandwidth.ts";
import { latency } from "./latency.ts";
import { limitData } from "./limit-data.ts";
import { noop } from "./noop.ts";
import { ToxicRegistry } from "./registry.ts";
import { resetPeer } from "./reset-peer.ts";
import { slicer } from "./slicer.ts";
import { slowClose } from "./slow-close.ts";
import { timeout } from "./timeout.ts";
import type { ToxicKind } from "./toxic.ts";

/** Toxiproxy 2.12's toxic types. `down` is not one: it is `enabled: false` on the proxy. */
export const builtinToxics: readonly ToxicKind[] = [
  latency,
  bandwidth,
  slowClose,
  timeout,
  resetPeer,
  slicer,
  limitData,
  noop,
];

export function builtinRegistry(): ToxicRegistry {
  const registry = new ToxicRegistry();
  for (const kind of builtinToxics) registry.register(kind);
  return registry;
}
