// One scenario, exported for Kubernetes: a fault scenario becomes a Chaos Mesh Workflow plus its background
// traffic as a k6-operator TestRun; a load scenario becomes a TestRun. Custom steps are code and are refused,
// as is a fault with no faithful counterpart; a refusal carries its reason, never a half-right manifest.

import { stringify } from "yaml";
import type { FaultSpec } from "../chaos/fault.ts";
import type { Duration } from "../core/duration.ts";
import { HivestormError } from "../core/errors.ts";
import { load } from "../load/load.ts";
import type { LoadPlan } from "../load/plan.ts";
import type { ScenarioDefinition } from "../runner/scenario.ts";
import { ROLES } from "../system/roles.ts";
import type { PodSelectorSpec } from "./chaos-mesh/model.ts";
import { ExportRefusedError } from "./chaos-mesh/refusal.ts";
import { mapFault } from "./chaos-mesh/to-chaos-mesh.ts";
import { validateChaosMesh } from "./chaos-mesh/validate.ts";
import { checkQueries } from "./check-queries.ts";
import { scenarioReadme } from "./scenario-readme.ts";
import { type FaultPlacement, objectName, scenarioTimings, scenarioWorkflow } from "./workflow.ts";

/** The background traffic fault scenarios are judged on (the system definition's `traffic`). */
export interface ExportTraffic {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Requests per second. */
  rate: number;
}

export interface ScenarioExportOptions {
  namespace: string;
  /** The label whose value is a service's name on its pods (e.g. app.kubernetes.io/name=hive). */
  labelKey: string;
  /** Per service, the services that call it through its proxy (its clients), e.g. { hive: ["queen"] }. */
  peers: Record<string, string[]>;
  /** Runner pods of a load scenario's TestRun. */
  parallelism: number;
  /** The in-cluster base URL of a service, for TestRuns (undefined: no TestRun can be written for it). */
  baseUrlFor: (service: string) => string | undefined;
  /** Role → service, from the config: a fault on "@backend" lands on the pods of the service it maps to. */
  roles?: Record<string, string>;
  /** The service background traffic goes to, and the traffic; without them fault scenarios get no TestRun. */
  entryService?: string;
  traffic?: ExportTraffic;
  /** k6's remote-write endpoint: adds `--out experimental-prometheus-rw` to every TestRun. */
  prometheusRw?: string;
}

export type ScenarioExport =
  | { id: string; name: string; file: string; status: "exported"; files: Record<string, string> }
  | { id: string; name: string; file: string; status: "refused"; reason: string };

/** The scenario shape hivestorm reads: today's fields plus `steps` and `load`, read only when present. */
/** The fields an export reads, whatever the scenario's shape. */
type Exportable = Pick<ScenarioDefinition, "id" | "name" | "expect"> & {
  fault?: FaultSpec | FaultSpec[];
  steps?: unknown;
  during?: unknown;
  run?: unknown;
  load?: { plan: LoadPlan; service?: string };
  baseline?: Duration;
  duration?: Duration;
  minDuration?: Duration;
  recovery?: { deadline?: Duration; window?: Duration };
  trafficRate?: number;
};

/** Trend stats written to Prometheus, for the check queries (p50 is k6's med). */
export const PROMETHEUS_TREND_STATS = "med,p(95),p(99),max";
/** Extra traffic time: covers the wait between starting the TestRun and applying the Workflow. */
export const TRAFFIC_SLACK_MS = 60_000;

export function exportScenario(
  file: string,
  def: ScenarioDefinition,
  o: ScenarioExportOptions,
): ScenarioExport {
  const d = def as Exportable;
  const head = { id: d.id, name: d.name, file };
  try {
    const steps = (["steps", "during", "run"] as const).find((k) => typeof d[k] === "function");
    const faults = d.fault === undefined ? [] : [d.fault].flat();
    if (steps) {
      const declared = faults.length
        ? ` (its declared fault: ${faults.map((f) => faultVerdict(f, o)).join("; ")})`
        : "";
      return refused(
        head,
        `custom steps (\`${steps}\`) are code and cannot be exported faithfully${declared}`,
      );
    }
    if (d.load?.plan) return exportLoad(head, d, o);
    if (faults.length) return exportFaults(head, d, faults, o);
    return refused(head, "it declares no fault and no load");
  } catch (error) {
    if (error instanceof HivestormError || error instanceof RangeError) return refused(head, error.message);
    throw error;
  }
}

function refused(head: { id: string; name: string; file: string }, reason: string): ScenarioExport {
  return { ...head, status: "refused", reason };
}

/** "network-latency → NetworkChaos" or the refusal's reason, for a steps scenario's message. */
function faultVerdict(f: FaultSpec, o: ScenarioExportOptions): string {
  try {
    const { fault, options } = placement(f, o, undefined);
    return `${fault.kind} would map to ${mapFault(fault, options).kind}`;
  } catch (error) {
    return error instanceof ExportRefusedError
      ? `${f.kind} is refused too: ${error.reason}`
      : (error as Error).message;
  }
}

/**
 * The service a fault acts on: "worker", "hive" ("hive/instances" → "hive"); a role resolves through the config
 * ("@backend" → "hive"), except a pool ("@workers"), whose pods carry the pool's own name ("workers").
 */
export function serviceOf(fault: FaultSpec, roles: Record<string, string> = {}): string {
  let target = fault.target().replace(/\/instances$/, "");
  if (target.startsWith("@")) {
    const role = target.slice(1);
    const mapped = ROLES[role]?.scope === "instances" ? role : roles[role];
    if (!mapped)
      throw new ExportRefusedError(
        fault.kind,
        `its target ${target} is a role the config does not map`,
        `map it: roles: { ${role}: "<service>" } in the config`,
      );
    target = mapped;
  }
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(target))
    throw new ExportRefusedError(
      fault.kind,
      `its target ${JSON.stringify(fault.target())} is not a service name, so its pods cannot be selected by label`,
      'the same fault on a service (.on("<service>"))',
    );
  return target;
}

function selectorOf(services: string[], o: ScenarioExportOptions): PodSelectorSpec {
  return services.length === 1
    ? { namespaces: [o.namespace], labelSelectors: { [o.labelKey]: services[0] } }
    : {
        namespaces: [o.namespace],
        expressionSelectors: [{ key: o.labelKey, operator: "In", values: services }],
      };
}

function placement(
  fault: FaultSpec,
  o: ScenarioExportOptions,
  trafficRun: string | undefined,
): FaultPlacement {
  // A kind with no counterpart is the more basic reason: surface it before any question of where it lands.
  const anywhere = selectorOf(["any"], o);
  mapFault(fault, { namespace: o.namespace, selector: anywhere, peer: anywhere });
  const service = serviceOf(fault, o.roles);
  const peers = o.peers[service];
  // The entry service's clients are the load generator: the TestRun's runner pods (k6-operator's labels).
  const peer: PodSelectorSpec | undefined = peers?.length
    ? selectorOf(peers, o)
    : service === o.entryService && trafficRun
      ? { namespaces: [o.namespace], labelSelectors: { k6_cr: trafficRun, runner: "true" } }
      : undefined;
  return {
    fault,
    options: { namespace: o.namespace, selector: selectorOf([service], o), ...(peer ? { peer } : {}) },
  };
}

function prometheusOptions(o: ScenarioExportOptions): { arguments?: string; env: Record<string, string> } {
  return o.prometheusRw
    ? {
        arguments: "--out experimental-prometheus-rw",
        env: {
          K6_PROMETHEUS_RW_SERVER_URL: o.prometheusRw,
          K6_PROMETHEUS_RW_TREND_STATS: PROMETHEUS_TREND_STATS,
        },
      }
    : { env: {} };
}

function exportFaults(
  head: { id: string; name: string; file: string },
  d: Exportable,
  faults: FaultSpec[],
  o: ScenarioExportOptions,
): ScenarioExport {
  const name = objectName(d.id);
  const timings = scenarioTimings(d);
  const baseUrl = o.entryService ? o.baseUrlFor(o.entryService) : undefined;
  const trafficRun = o.traffic && baseUrl ? `${name}-traffic` : undefined;
  const wf = scenarioWorkflow(
    d.id,
    faults.map((f) => placement(f, o, trafficRun)),
    timings,
    o.namespace,
  );
  assertValid(wf.workflow, `Workflow of ${d.id}`);
  const files: Record<string, string> = { "workflow.yaml": stringify(wf.workflow, { lineWidth: 0 }) };
  if (trafficRun && o.traffic && baseUrl) {
    const t = o.traffic;
    const totalMs =
      timings.baselineMs + timings.durationMs + timings.recoveryMs + timings.windowMs + TRAFFIC_SLACK_MS;
    const plan = load
      .rate(d.trafficRate ?? t.rate, totalMs)
      .request({
        method: t.method ?? "GET",
        url: t.path,
        headers: t.headers,
        body: t.body as Record<string, unknown> | undefined,
      })
      .target(baseUrl)
      .named(trafficRun);
    files["load.yaml"] = plan.toK6OperatorTestRun({
      parallelism: 1,
      namespace: o.namespace,
      ...prometheusOptions(o),
    });
  }
  files["README.md"] = scenarioReadme({
    def: d as unknown as ScenarioDefinition,
    file: head.file,
    namespace: o.namespace,
    workflow: wf,
    trafficRun,
    prometheus: Boolean(o.prometheusRw),
    queries: checkQueries(d.expect, { testid: trafficRun ?? "<testid>", ...timings }),
  });
  return { ...head, status: "exported", files };
}

function exportLoad(
  head: { id: string; name: string; file: string },
  d: Exportable,
  o: ScenarioExportOptions,
) {
  const ref = d.load?.service ?? o.entryService;
  const service = ref?.startsWith("@") ? (o.roles?.[ref.slice(1)] ?? ref) : ref;
  const baseUrl = service ? o.baseUrlFor(service) : undefined;
  const name = objectName(d.id);
  const plan = d.load!.plan;
  if (!baseUrl && plan.problems({ needTarget: true }).length)
    throw new RangeError(
      `its load plan has no target and no in-cluster URL is known for ${service ?? "its service"}: pass --base-url`,
    );
  const resolved = plan.resolve(baseUrl ? { baseUrl } : {});
  const yaml = plan.toK6OperatorTestRun({
    parallelism: o.parallelism,
    namespace: o.namespace,
    name,
    ...(baseUrl ? { baseUrl } : {}),
    ...prometheusOptions(o),
  });
  return {
    ...head,
    status: "exported" as const,
    files: {
      "load.yaml": yaml,
      "README.md": scenarioReadme({
        def: d as unknown as ScenarioDefinition,
        file: head.file,
        namespace: o.namespace,
        trafficRun: name,
        prometheus: Boolean(o.prometheusRw),
        load: { plan, resolved, parallelism: o.parallelism },
        queries: checkQueries(d.expect, {
          testid: name,
          baselineMs: 0,
          durationMs: resolved.totalMs,
          recoveryMs: 0,
          windowMs: 0,
        }),
      }),
    },
  };
}

function assertValid(object: unknown, what: string): void {
  const problems = validateChaosMesh(object);
  if (problems.length)
    throw new HivestormError(
      "E_EXPORT_INVALID",
      `${what} would not pass Chaos Mesh's validation: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`,
    );
}
