// A k6-operator manifest for a plan: a ConfigMap holding the script and a TestRun (k6.io/v1alpha1) that
// runs it on `parallelism` pods. The operator gives each pod an execution segment, so VUs and arrival
// rates are split exactly; thresholds and summaries stay per pod (see docs/load.md).
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
}

export function toK6OperatorTestRun(plan: ResolvedPlan, script: string, o: K6OperatorOptions): string {
  if (!Number.isInteger(o.parallelism) || o.parallelism < 1) {
    throw new RangeError(`parallelism must be a whole number ≥ 1, found ${JSON.stringify(o.parallelism)}`);
  }
  const name = k6Name(o.name ?? plan.name);
  const ns = o.namespace ? `\n  namespace: ${o.namespace}` : "";
  const args = [`--tag testid=${name}`, o.arguments ?? ""].filter(Boolean).join(" ");
  const runner = [
    ...(o.image ? [`    image: ${JSON.stringify(o.image)}`] : []),
    ...(o.limits
      ? [
          "    resources:",
          "      limits:",
          ...Object.entries(o.limits).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`),
        ]
      : []),
  ];
  return [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name}${ns}`,
    "data:",
    "  test.js: |",
    ...script.split("\n").map((l) => (l ? `    ${l}` : "")),
    "---",
    "apiVersion: k6.io/v1alpha1",
    "kind: TestRun",
    "metadata:",
    `  name: ${name}${ns}`,
    "spec:",
    `  parallelism: ${o.parallelism}`,
    ...(o.separate ? ["  separate: true"] : []),
    "  script:",
    "    configMap:",
    `      name: ${name}`,
    "      file: test.js",
    `  arguments: ${JSON.stringify(args)}`,
    ...(runner.length ? ["  runner:", ...runner] : []),
    "  cleanup: post",
    "",
  ].join("\n");
}
