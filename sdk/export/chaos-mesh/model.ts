// Typed models of the Chaos Mesh objects hivestorm writes (chaos-mesh.org/v1alpha1): NetworkChaos, PodChaos,
// StressChaos and Workflow, with only the fields we set. Field names and types follow Chaos Mesh's CRDs; the
// enums are kept as arrays as well as types so that validation and types cannot drift apart.

export const API_VERSION = "chaos-mesh.org/v1alpha1";

export const SELECTOR_MODES = ["one", "all", "fixed", "fixed-percent", "random-max-percent"] as const;
export type SelectorMode = (typeof SELECTOR_MODES)[number];

export const NETWORK_ACTIONS = [
  "netem",
  "delay",
  "loss",
  "duplicate",
  "corrupt",
  "partition",
  "bandwidth",
] as const;
export type NetworkAction = (typeof NETWORK_ACTIONS)[number];

export const DIRECTIONS = ["to", "from", "both"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const POD_ACTIONS = ["pod-kill", "pod-failure", "container-kill"] as const;
export type PodAction = (typeof POD_ACTIONS)[number];

/** The template types hivestorm uses (Chaos Mesh has more: Task, Schedule, StatusCheck, other chaos kinds). */
export const TEMPLATE_TYPES = [
  "Serial",
  "Parallel",
  "Suspend",
  "NetworkChaos",
  "PodChaos",
  "StressChaos",
] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Which pods: every field narrows the set (Chaos Mesh's PodSelectorSpec). */
export interface PodSelectorSpec {
  namespaces?: string[];
  labelSelectors?: Record<string, string>;
  expressionSelectors?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
  annotationSelectors?: Record<string, string>;
  fieldSelectors?: Record<string, string>;
  nodes?: string[];
  pods?: Record<string, string[]>;
  podPhaseSelectors?: string[];
}

/** Which pods and how many of them: `value` is required for fixed, fixed-percent and random-max-percent. */
export interface PodSelector {
  selector: PodSelectorSpec;
  mode: SelectorMode;
  value?: string;
}

export interface ContainerSelector extends PodSelector {
  containerNames?: string[];
}

export interface DelaySpec {
  latency: string;
  jitter?: string;
  correlation?: string;
}

export interface LossSpec {
  loss: string;
  correlation?: string;
}

export interface BandwidthSpec {
  /** bit, kbit, mbit, gbit, tbit, or bps, kbps, ... (bytes per second), after a whole number. */
  rate: string;
  /** Bytes queued waiting for tokens (>= 1). */
  limit: number;
  /** Bucket size in bytes (>= 1). */
  buffer: number;
}

export interface NetworkChaosSpec extends PodSelector {
  action: NetworkAction;
  direction?: Direction;
  target?: PodSelector;
  externalTargets?: string[];
  delay?: DelaySpec;
  loss?: LossSpec;
  bandwidth?: BandwidthSpec;
  /** Not allowed inside a Workflow template (the template's deadline is the duration there). */
  duration?: string;
}

export interface PodChaosSpec extends ContainerSelector {
  action: PodAction;
  /** Seconds before the pod is deleted (pod-kill); 0 deletes it at once. */
  gracePeriod?: number;
  duration?: string;
}

export interface CpuStressor {
  workers: number;
  load?: number;
  options?: string[];
}

export interface MemoryStressor {
  workers: number;
  /** Bytes per worker: "256MB", "1GiB", or a percentage of total memory, "50%". */
  size?: string;
  oomScoreAdj?: number;
  options?: string[];
}

export interface StressChaosSpec extends ContainerSelector {
  stressors: { cpu?: CpuStressor; memory?: MemoryStressor };
  duration?: string;
}

export interface ChaosSpecs {
  NetworkChaos: NetworkChaosSpec;
  PodChaos: PodChaosSpec;
  StressChaos: StressChaosSpec;
}
export type ChaosKind = keyof ChaosSpecs;
export const CHAOS_KINDS: readonly ChaosKind[] = ["NetworkChaos", "PodChaos", "StressChaos"];

/** A standalone chaos object, e.g. `kubectl apply -f network-chaos.yaml`. */
export interface ChaosObject<K extends ChaosKind = ChaosKind> {
  apiVersion: typeof API_VERSION;
  kind: K;
  metadata: ObjectMeta;
  spec: ChaosSpecs[K];
}

/** The key of the embedded spec in a Workflow template, per chaos kind. */
export const EMBED_KEYS: Record<ChaosKind, "networkChaos" | "podChaos" | "stressChaos"> = {
  NetworkChaos: "networkChaos",
  PodChaos: "podChaos",
  StressChaos: "stressChaos",
};

export interface Template {
  name: string;
  templateType: TemplateType;
  /** How long the node lasts: the chaos is injected for this long, a Suspend waits this long. */
  deadline?: string;
  children?: string[];
  networkChaos?: NetworkChaosSpec;
  podChaos?: PodChaosSpec;
  stressChaos?: StressChaosSpec;
}

export interface Workflow {
  apiVersion: typeof API_VERSION;
  kind: "Workflow";
  metadata: ObjectMeta;
  spec: { entry: string; templates: Template[] };
}

export type ChaosMeshObject = ChaosObject | Workflow;
