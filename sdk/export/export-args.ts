// export.ts's flags: parsed with zx's minimist and checked all at once, so that one error names every problem.
import { minimist } from "zx";
import { type Problem, ValidationError } from "../core/errors.ts";

export interface ExportArgs {
  to: "chaos-mesh";
  out: string;
  only: string[];
  namespace: string;
  labelKey: string;
  peers: Record<string, string[]>;
  parallelism: number;
  baseUrl?: string;
  prometheusRw?: string;
  config: string;
  help: boolean;
}

export const EXPORT_TARGETS = ["chaos-mesh"] as const;

export const EXPORT_USAGE = `Usage: npx tsx scripts/export.ts --to chaos-mesh --out DIR [flags]

  --to chaos-mesh          what to export to (Chaos Mesh Workflows + k6-operator TestRuns)
  --out DIR                where to write: one folder per scenario, and an index README.md
  --only ID[,ID]           only these scenario ids
  --namespace NS           namespace of the objects and of the system's pods (default "default")
  --label KEY              the pod label whose value is a service's name (default app.kubernetes.io/name)
  --peer SERVICE=CLIENT    the pods that call SERVICE through its proxy (repeatable; CLIENT may be a,b),
                           needed by partitions and by client-to-service network faults, e.g. --peer hive=queen
  --parallelism N          runner pods of a load scenario's TestRun (default 1)
  --base-url URL           the in-cluster URL of the system's entry service, for the TestRuns
                           (default http://<service>.<namespace>.svc:<its port>)
  --prometheus-rw URL      k6's Prometheus remote-write endpoint: the TestRuns write their metrics there
  --config FILE            the system definition, for the background traffic (default hivestorm.config.ts)
`;

const STRING_FLAGS = [
  "to",
  "out",
  "only",
  "namespace",
  "label",
  "peer",
  "parallelism",
  "base-url",
  "prometheus-rw",
  "config",
];
const KNOWN = new Set([...STRING_FLAGS, "help", "h", "_"]);

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Parses and checks the flags; throws one ValidationError naming every problem. */
export function parseExportArgs(argv: string[]): ExportArgs {
  const a = minimist(argv, {
    string: STRING_FLAGS,
    boolean: ["help"],
    alias: { h: "help" },
  });
  const problems: Problem[] = [];
  for (const key of Object.keys(a))
    if (!KNOWN.has(key)) problems.push({ path: `--${key}`, message: "unknown flag" });
  if (a._.length)
    problems.push({
      path: "arguments",
      message: `unexpected ${a._.map((x) => JSON.stringify(x)).join(" ")}`,
    });
  const help = Boolean(a.help);
  const one = (key: string): string | undefined => {
    const v = a[key];
    if (Array.isArray(v)) {
      problems.push({ path: `--${key}`, message: "given more than once" });
      return v.at(-1);
    }
    return v === undefined || v === "" ? undefined : String(v);
  };
  const to = one("to");
  const out = one("out");
  if (!help) {
    if (to === undefined) problems.push({ path: "--to", message: `required: ${EXPORT_TARGETS.join(", ")}` });
    else if (!(EXPORT_TARGETS as readonly string[]).includes(to))
      problems.push({
        path: "--to",
        message: `expected ${EXPORT_TARGETS.join(", ")}, found ${JSON.stringify(to)}`,
      });
    if (out === undefined) problems.push({ path: "--out", message: "required: the directory to write to" });
  }
  const namespace = one("namespace") ?? "default";
  if (!(namespace.length <= 63 && DNS_LABEL.test(namespace)))
    problems.push({
      path: "--namespace",
      message: `expected a Kubernetes namespace name, found ${JSON.stringify(namespace)}`,
    });
  const labelKey = one("label") ?? "app.kubernetes.io/name";
  if (!LABEL_KEY.test(labelKey))
    problems.push({
      path: "--label",
      message: `expected a label key such as app.kubernetes.io/name, found ${JSON.stringify(labelKey)}`,
    });
  const parallelismText = one("parallelism") ?? "1";
  const parallelism = Number(parallelismText);
  if (!/^\d+$/.test(parallelismText) || parallelism < 1)
    problems.push({
      path: "--parallelism",
      message: `expected a whole number >= 1, found ${JSON.stringify(parallelismText)}`,
    });
  const peers: Record<string, string[]> = {};
  for (const p of [a.peer ?? []].flat().map(String)) {
    const m = /^([^=]+)=(.+)$/.exec(p);
    const names = m ? [m[1], ...m[2].split(",")] : [];
    if (!m || !names.every((n) => DNS_LABEL.test(n)))
      problems.push({
        path: "--peer",
        message: `expected SERVICE=CLIENT[,CLIENT] with service names, found ${JSON.stringify(p)}`,
      });
    else peers[m[1]] = [...(peers[m[1]] ?? []), ...m[2].split(",")];
  }
  const url = (key: string) => {
    const v = one(key);
    if (v !== undefined && !/^https?:\/\/[^/]+/.test(v))
      problems.push({ path: `--${key}`, message: `expected an http(s) URL, found ${JSON.stringify(v)}` });
    return v;
  };
  const baseUrl = url("base-url");
  const prometheusRw = url("prometheus-rw");
  const only = (one("only") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const config = one("config") ?? "hivestorm.config.ts";
  if (problems.length) throw new ValidationError("export.ts flags", problems, "see --help");
  return {
    to: "chaos-mesh",
    out: out ?? "",
    only,
    namespace,
    labelKey,
    peers,
    parallelism,
    ...(baseUrl ? { baseUrl } : {}),
    ...(prometheusRw ? { prometheusRw } : {}),
    config,
    help,
  };
}
