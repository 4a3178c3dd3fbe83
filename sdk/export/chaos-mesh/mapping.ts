// What a fault-kind mapping takes and gives: a fault spec's JSON (its public contract) and where it lands in the
// cluster, in; the Chaos Mesh kind, its spec (without duration: a Workflow template or the caller sets it), and
// every difference in meaning, out.
import type { ChaosKind, ChaosSpecs, ContainerSelector, PodSelectorSpec, SelectorMode } from "./model.ts";

export interface ChaosMeshOptions {
  /** The namespace of the chaos objects and, unless the selector says otherwise, of the pods. */
  namespace: string;
  /** The pods of the fault's target, e.g. `{ labelSelectors: { "app.kubernetes.io/name": "hive" } }`. */
  selector: PodSelectorSpec;
  /**
   * The pods whose traffic the fault's proxy carries (its clients, e.g. the queen for the hive). Network faults
   * on the client → service direction, both directions, and partitions need it.
   */
  peer?: PodSelectorSpec;
  /** Containers to act on (PodChaos container-kill, StressChaos); default: the pod's first container. */
  containerNames?: string[];
  /** metadata.name of a standalone object (default: "hs-" and the fault kind). */
  name?: string;
}

export interface MappedChaos<K extends ChaosKind = ChaosKind> {
  kind: K;
  spec: ChaosSpecs[K];
  /** Where the Chaos Mesh object behaves differently from the fault as hivestorm applies it, in words. */
  differences: string[];
}

export type Mapper = (json: Record<string, unknown>, o: ChaosMeshOptions) => MappedChaos;

/** The selector with the namespace filled in when it names none. */
export function podSelectorSpec(o: ChaosMeshOptions, s: PodSelectorSpec = o.selector): PodSelectorSpec {
  return s.namespaces?.length ? s : { namespaces: [o.namespace], ...s };
}

/** `count` → one or fixed, `percent` → fixed-percent (whole percentages only: Chaos Mesh reads an integer). */
export function selection(
  json: Record<string, unknown>,
  o: ChaosMeshOptions,
  refuse: (reason: string) => never,
): ContainerSelector {
  let mode: SelectorMode = "one";
  let value: string | undefined;
  if (typeof json.percent === "number") {
    if (!Number.isInteger(json.percent))
      refuse(`percent ${json.percent} is not whole: Chaos Mesh's fixed-percent takes an integer`);
    mode = "fixed-percent";
    value = String(json.percent);
  } else if (typeof json.count === "number" && json.count !== 1) {
    mode = "fixed";
    value = String(json.count);
  }
  return {
    selector: podSelectorSpec(o),
    mode,
    ...(value === undefined ? {} : { value }),
    ...(o.containerNames?.length ? { containerNames: o.containerNames } : {}),
  };
}
