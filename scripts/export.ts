#!/usr/bin/env -S npx tsx
// Exports the suite for Kubernetes: every scenario as a Chaos Mesh Workflow plus its traffic or load as a
// k6-operator TestRun, one folder per scenario with a README, or a refusal with its reason (in the index):
//   npx tsx scripts/export.ts --to chaos-mesh --out DIR [--only IDS] [--namespace NS] [--peer hive=queen]
// Bad flags: one error naming every problem, exit 2. Nothing is sent anywhere: files are written, that is all.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  discoverScenarios,
  EXPORT_USAGE,
  type ExportTraffic,
  exportScenario,
  objectName,
  parseExportArgs,
  resolveSystem,
  type ScenarioExport,
  type SystemConfig,
  type SystemDefinition,
  ValidationError,
} from "../sdk/index.ts";

const root = resolve(import.meta.dirname, "..");

let args: ReturnType<typeof parseExportArgs>;
try {
  args = parseExportArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${EXPORT_USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(EXPORT_USAGE);
  process.exit(0);
}

const system = await loadSystem(resolve(root, args.config));
const scenarios = await discoverScenarios(root);
const unknownIds = args.only.filter((id) => !scenarios.some((s) => s.definition.id === id));
if (unknownIds.length) {
  const known = scenarios.map((s) => s.definition.id).join(", ");
  process.stderr.write(
    `${new ValidationError("export.ts flags", [{ path: "--only", message: `no scenario with id ${unknownIds.join(", ")} (known: ${known})` }]).message}\n`,
  );
  process.exit(2);
}

const entry = system?.traffic.service;
const baseUrlFor = (service: string): string | undefined => {
  if (args.baseUrl && service === entry) return args.baseUrl;
  const url = system?.services[service]?.url;
  return url ? `http://${service}.${args.namespace}.svc:${new URL(url).port || 80}` : undefined;
};
const traffic: ExportTraffic | undefined = system
  ? { ...system.traffic, rate: system.traffic.rate ?? 20 }
  : undefined;

const outDir = resolve(args.out);
mkdirSync(outDir, { recursive: true });
const results: ScenarioExport[] = [];
for (const s of scenarios) {
  if (args.only.length && !args.only.includes(s.definition.id)) continue;
  const r = exportScenario(s.file, s.definition, {
    namespace: args.namespace,
    labelKey: args.labelKey,
    peers: args.peers,
    parallelism: args.parallelism,
    baseUrlFor,
    entryService: entry,
    roles: system?.roles,
    traffic,
    prometheusRw: args.prometheusRw,
  });
  results.push(r);
  const dir = join(outDir, objectName(s.definition.id).replace(/^hs-/, ""));
  rmSync(dir, { recursive: true, force: true });
  if (r.status === "exported") {
    mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(r.files)) writeFileSync(join(dir, name), content);
  }
  process.stdout.write(
    r.status === "exported"
      ? `exported ${r.id} → ${join(args.out, objectName(r.id).replace(/^hs-/, ""))}/ (${Object.keys(r.files).join(", ")})\n`
      : `refused  ${r.id}: ${r.reason}\n`,
  );
}
writeFileSync(join(outDir, "README.md"), indexReadme(results));
const exported = results.filter((r) => r.status === "exported").length;
process.stdout.write(
  `${exported} exported, ${results.length - exported} refused; index: ${join(args.out, "README.md")}\n`,
);

async function loadSystem(file: string): Promise<SystemDefinition | undefined> {
  if (!existsSync(file)) {
    process.stderr.write(`note: ${args.config} not found: fault scenarios get no background TestRun\n`);
    return undefined;
  }
  try {
    const mod = (await import(pathToFileURL(file).href)) as { default?: SystemConfig };
    if (!mod.default) throw new Error("it has no default export (export default defineSystem(...))");
    return resolveSystem(mod.default, { flags: [], demoBugs: [], target: "process", logDir: tmpdir(), root });
  } catch (error) {
    process.stderr.write(
      `note: could not read ${args.config} (${(error as Error).message}): fault scenarios get no background TestRun\n`,
    );
    return undefined;
  }
}

function indexReadme(rs: ScenarioExport[]): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    "# hivestorm scenarios for Kubernetes",
    "",
    `Exported with \`npx tsx scripts/export.ts ${process.argv.slice(2).join(" ")}\`. Each folder holds a Chaos Mesh`,
    "Workflow and/or a k6-operator TestRun and a README saying how to apply them and how the checks map onto",
    "Prometheus queries. A refused scenario has no faithful counterpart on Kubernetes; the reason says why.",
    "",
    "| scenario | result |",
    "| --- | --- |",
    ...rs.map((r) =>
      r.status === "exported"
        ? `| ${r.id} ${cell(r.name)} | [exported](${objectName(r.id).replace(/^hs-/, "")}/README.md) |`
        : `| ${r.id} ${cell(r.name)} | refused: ${cell(r.reason)} |`,
    ),
    "",
  ].join("\n");
}
