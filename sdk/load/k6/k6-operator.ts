// A k6-operator manifest for a plan: a ConfigMap holding the script (with its thresholds) and a TestRun
// (k6.io/v1alpha1) that runs it on `parallelism` pods. The operator gives pod i of N the execution segment
// (i-1)/N:i/N; how k6 then splits VUs and arrival rates is `k6OperatorSplit` (see docs/kubernetes.md).
import { stringify } from "yaml";
import type { ResolvedPlan } from "../resolve-plan.ts";
import { k6Name } from "./k6-format.ts";
import type { K6ScriptOptions } from "./k6-script.ts";

export interface K6OperatorOptions extends K6ScriptOptions {
  /** Number of runner pods. */
  parallelism: number;
  /** Object name (default: from the plan's name). */
  name?: string;
  namespace?: string;
  /** One runner per node (required podAntiAffinity). */
  separate?: boolean;
  /** Extra k6 arguments, e.g. "--out experimental-prometheus-rw". */
  arguments?: string;
  /** Runner image (default grafana/k6:latest). */
  image?: string;
  /** Runner resource limits, e.g. { cpu: "2", memory: "2Gi" }. */
  limits?: Record<string, string>;
  /** Environment of the runners, e.g. { BASE_URL: "http://queen.rbee:8080" }. */
  env?: Record<string, string>;
}

/** The TestRun fields hivestorm writes (k6-operator's k6.io/v1alpha1 TestRun). */
export interface K6TestRun {
  apiVersion: "k6.io/v1alpha1";
  kind: "TestRun";
  metadata: { name: string; namespace?: string };
  spec: {
    parallelism: number;
    separate?: boolean;
    script: { configMap: { name: string; file: string } };
    arguments?: string;
    runner?: {
      image?: string;
      env?: { name: string; value: string }[];
      resources?: { limits: Record<string, string> };
    };
    cleanup?: "post";
  };
}

export interface K6ConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

/** What one runner pod runs: its execution segment and its share of the plan. */
export interface K6PodShare {
  /** 1-based, as k6-operator numbers its runner jobs. */
  index: number;
  /** The --execution-segment the operator passes, e.g. "1/4:2/4". */
  segment: string;
  /** Closed model: VUs at the start and at the end of each stage. Open model: the VU pool (pre-allocated = max). */
  startVUs?: number;
  stageVUs?: number[];
  maxVUs: number;
  /** Open model: requests started per second, at the start and at the end of each stage (exact fractions). */
  startRate?: number;
  stageRates?: number[];
}

/**
 * How k6 divides `value` whole things (VUs) between `parallelism` equal segments (0:1/N, 1/N:2/N, ...): k6's
 * striping gives element j to segment j mod N, so each pod gets ⌊value/N⌋ and the first value mod N pods one more.
 */
export function k6SplitWhole(value: number, parallelism: number): number[] {
  return Array.from(
    { length: parallelism },
    (_, i) => Math.floor(value / parallelism) + (i < value % parallelism ? 1 : 0),
  );
}

/** Every runner pod's share of a plan when k6-operator runs it on `parallelism` pods. */
export function k6OperatorSplit(plan: ResolvedPlan, parallelism: number): K6PodShare[] {
  assertParallelism(parallelism);
  const split = (v: number) => k6SplitWhole(v, parallelism);
  const closed = plan.model === "closed";
  const start = split(plan.startTarget);
  const stages = plan.stages.map((s) => split(s.target));
  const max = split(plan.maxUsers);
  const part = (i: number) => (i === 0 ? "0" : i === parallelism ? "1" : `${i}/${parallelism}`);
  return Array.from({ length: parallelism }, (_, i) => ({
    index: i + 1,
    segment: `${part(i)}:${part(i + 1)}`,
    ...(closed
      ? {
          startVUs: start[i],
          stageVUs: stages.map((s) => s[i]),
          maxVUs: Math.max(start[i], ...stages.map((s) => s[i])),
        }
      : {
          // Arrival rates are scaled by the segment's length, exactly; iterations are striped between pods.
          startRate: plan.startTarget / parallelism,
          stageRates: plan.stages.map((s) => s.target / parallelism),
          maxVUs: max[i],
        }),
  }));
}

/** The ConfigMap and TestRun objects; refuses a parallelism the operator's initializer would refuse. */
export function k6OperatorObjects(
  plan: ResolvedPlan,
  script: string,
  o: K6OperatorOptions,
): [K6ConfigMap, K6TestRun] {
  assertParallelism(o.parallelism);
  if (plan.maxUsers < o.parallelism)
    throw new RangeError(
      `parallelism ${o.parallelism} is more than the plan's ${plan.maxUsers} VUs at most: k6-operator refuses a run where a runner would get no VU (lower parallelism to ${plan.maxUsers} or less)`,
    );
  const name = k6Name(o.name ?? plan.name);
  const metadata = { name, ...(o.namespace ? { namespace: o.namespace } : {}) };
  const args = [`--tag testid=${name}`, o.arguments ?? ""].filter(Boolean).join(" ");
  const runner: NonNullable<K6TestRun["spec"]["runner"]> = {
    ...(o.image ? { image: o.image } : {}),
    ...(o.env ? { env: Object.entries(o.env).map(([k, v]) => ({ name: k, value: v })) } : {}),
    ...(o.limits ? { resources: { limits: { ...o.limits } } } : {}),
  };
  return [
    { apiVersion: "v1", kind: "ConfigMap", metadata, data: { "test.js": script } },
    {
      apiVersion: "k6.io/v1alpha1",
      kind: "TestRun",
      metadata: { ...metadata },
      spec: {
        parallelism: o.parallelism,
        ...(o.separate ? { separate: true } : {}),
        script: { configMap: { name, file: "test.js" } },
        arguments: args,
        ...(Object.keys(runner).length ? { runner } : {}),
        cleanup: "post",
      },
    },
  ];
}

/** The manifest as YAML: the ConfigMap, then the TestRun. */
export function toK6OperatorTestRun(plan: ResolvedPlan, script: string, o: K6OperatorOptions): string {
  return k6OperatorObjects(plan, script, o)
    .map((doc) => stringify(doc, { lineWidth: 0 }))
    .join("---\n");
}

function assertParallelism(n: number): void {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`parallelism must be a whole number ≥ 1, found ${JSON.stringify(n)}`);
}
