// The README of one exported scenario: what it expects, how to apply it, its timeline, how each fault differs
// in meaning on Kubernetes, how each check maps onto a Prometheus query, and what was validated without a cluster.
import { formatDuration } from "../core/duration.ts";
import type { K6PodShare } from "../load/k6/k6-operator.ts";
import { k6OperatorSplit } from "../load/k6/k6-operator.ts";
import type { LoadPlan } from "../load/plan.ts";
import type { ResolvedPlan } from "../load/resolve-plan.ts";
import type { ScenarioDefinition } from "../runner/scenario.ts";
import type { CheckQuery } from "./check-queries.ts";
import type { ScenarioWorkflow } from "./workflow.ts";

export interface ReadmeInput {
  def: ScenarioDefinition;
  file: string;
  namespace: string;
  workflow?: ScenarioWorkflow;
  /** The TestRun's name (its testid tag), when one was written. */
  trafficRun?: string;
  prometheus: boolean;
  load?: { plan: LoadPlan; resolved: ResolvedPlan; parallelism: number };
  queries: CheckQuery[];
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function scenarioReadme(r: ReadmeInput): string {
  const { def, namespace: ns } = r;
  const wf = r.workflow;
  const out: string[] = [
    `# ${def.id}: ${def.name}`,
    "",
    `Exported by hivestorm from \`${r.file}\` (\`npx tsx scripts/export.ts --to chaos-mesh\`).`,
    "",
    `**Expected:** ${def.expected}`,
    "",
    "## Files",
    "",
    ...(wf ? ["- `workflow.yaml`: the Chaos Mesh Workflow (baseline, fault, recovery), run serially"] : []),
    ...(r.trafficRun
      ? [
          `- \`load.yaml\`: a ConfigMap with the k6 script and a k6-operator TestRun \`${r.trafficRun}\`${wf ? " (the background traffic the checks are judged on)" : ""}`,
        ]
      : wf
        ? [
            "- no TestRun: no background traffic was known (run export.ts with the system's config); send your own",
          ]
        : []),
    "",
    "## Apply",
    "",
    "Needs Chaos Mesh (for the Workflow) and k6-operator (for the TestRun) installed in the cluster.",
    "",
    "```sh",
    ...(r.trafficRun
      ? [
          `kubectl apply -f load.yaml`,
          `# wait until the runners have started: the stage goes initialization → initialized → created → started`,
          `kubectl get testrun ${r.trafficRun} -n ${ns} -o jsonpath='{.status.stage}'`,
        ]
      : []),
    ...(wf
      ? [
          "kubectl apply -f workflow.yaml",
          `kubectl get workflownode -n ${ns} -l chaos-mesh.org/workflow=${wf.workflow.metadata.name} -w`,
          "",
          "# clean up: deleting the Workflow recovers every fault it injected",
          `kubectl delete -f workflow.yaml${r.trafficRun ? " -f load.yaml" : ""}`,
        ]
      : [`kubectl delete -f load.yaml   # clean up`]),
    "```",
    "",
  ];
  if (wf) {
    const t = wf.timings;
    out.push(
      "## Timeline",
      "",
      "| node | type | lasts |",
      "| --- | --- | --- |",
      `| baseline | Suspend | ${formatDuration(t.baselineMs)} |`,
      ...wf.faults.map((f) => `| ${f.template} | ${f.chaosKind} | ${formatDuration(t.durationMs)} |`),
      `| recovery | Suspend | ${formatDuration(t.recoveryMs + t.windowMs)} (deadline ${formatDuration(t.recoveryMs)} + window ${formatDuration(t.windowMs)}) |`,
      "",
      "## Faults and how they differ on Kubernetes",
      "",
    );
    for (const f of wf.faults) {
      out.push(`- **${f.description}** → ${f.chaosKind} (\`${f.template}\`)`);
      for (const diff of f.differences) out.push(`  - ${diff}`);
    }
    out.push("");
  }
  if (r.load) out.push(...loadSection(r.load.plan, r.load.resolved, r.load.parallelism));
  out.push(
    "## Checks as Prometheus queries",
    "",
    r.prometheus
      ? "The TestRun writes k6's metrics with `--out experimental-prometheus-rw` (trend stats med, p95, p99, max, in seconds)."
      : "Run export.ts with `--prometheus-rw URL` so that the TestRun writes k6's metrics to Prometheus; the queries below read them.",
    "Evaluate each query at the moment given; the testid label is the TestRun's name.",
    "",
    "| check | expected | PromQL | when |",
    "| --- | --- | --- | --- |",
    ...r.queries.map(
      (q) =>
        `| ${cell(q.name)} | ${cell(q.expected)} | ${q.query ? `\`${cell(q.query)}\`` : "—"} | ${cell(q.note)} |`,
    ),
    "",
    "## What was validated, and what needs a cluster",
    "",
    "Validated by hivestorm without a cluster: every manifest here against Chaos Mesh's and k6-operator's field",
    "names, types, enums and required fields, duration and rate syntax, the Workflow's structure, and a YAML",
    "round trip; the mapping of each fault and its differences in meaning. Not validated here: that the cluster",
    "admits and runs them (CRD versions, admission webhooks, RBAC, the chaos daemon's privileges), the label",
    "selectors matching your pods, the metric names in your Prometheus, and the verdicts themselves.",
    "",
  );
  return out.join("\n");
}

function loadSection(plan: LoadPlan, resolved: ResolvedPlan, parallelism: number): string[] {
  let pods: K6PodShare[];
  try {
    pods = k6OperatorSplit(resolved, parallelism);
  } catch {
    return [];
  }
  const unit = resolved.model === "closed" ? "VUs" : "requests/s";
  return [
    "## Load split between runner pods",
    "",
    `${plan.describe()}`,
    "",
    `k6-operator runs ${parallelism} runner pod(s); pod i gets the execution segment (i-1)/${parallelism}:i/${parallelism}.`,
    "",
    `| pod | segment | start (${unit}) | end of each stage (${unit}) | max VUs |`,
    "| --- | --- | --- | --- | --- |",
    ...pods.map((p) => {
      const start = p.startVUs ?? round(p.startRate ?? 0);
      const stages = (p.stageVUs ?? p.stageRates?.map(round) ?? []).join(", ");
      return `| ${p.index} | ${p.segment} | ${start} | ${stages} | ${p.maxVUs} |`;
    }),
    "",
    "Thresholds stay k6 thresholds, written in the script: each pod judges them on its own share.",
    "",
  ];
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
