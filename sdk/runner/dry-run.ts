// The plan a dry run prints: the system, the Toxiproxy, and per scenario what it would do. Nothing is started.
import { faultPlan } from "../chaos/process/plan.ts";
import { formatDuration, getTimeScale } from "../core/duration.ts";
import type { SystemDefinition } from "../system/definition.ts";
import type { DiscoveredScenario } from "./discover.ts";
import { faultDurationMs } from "./phases/fault-window.ts";
import { declaredFaults } from "./scenario.ts";

export function formatPlan(
  system: SystemDefinition,
  selected: DiscoveredScenario[],
  flags: string[],
  skips: ReadonlyMap<string, string> = new Map(),
  target: "process" | "docker" = "process",
): string {
  const out: string[] = [`Plan (dry run: nothing is started or applied), time scale ${getTimeScale()}`, ""];
  out.push(`System ${system.name}:`);
  if (system.compose)
    out.push(`  from ${typeof system.compose === "string" ? system.compose : system.compose.file}`);
  for (const [name, s] of Object.entries(system.services)) {
    const how =
      target === "docker" && s.docker
        ? `container of ${s.docker.image}${s.docker.cmd.length ? ` ${s.docker.cmd.join(" ")}` : ""}`
        : s.command
          ? s.command.join(" ")
          : "already running";
    out.push(`  ${name}: ${how} at ${s.url}${s.proxy ? ` behind proxy ${s.proxy.listen}` : ""}`);
  }
  out.push(`Toxiproxy: ${process.env.TOXIPROXY_URL ?? "embedded, started on 127.0.0.1"}`);
  if (flags.length) out.push(`System flags: ${flags.join(", ")}`);
  if (system.roles && Object.keys(system.roles).length)
    out.push(
      `Roles: ${Object.entries(system.roles)
        .map(([r, s]) => `${r} → ${s}`)
        .join(", ")}`,
    );
  const would =
    selected.length - [...skips.keys()].filter((id) => selected.some((s) => s.definition.id === id)).length;
  out.push("", `${selected.length} scenario(s), ${would} would run:`);
  for (const { definition: d, file } of selected) {
    out.push(`  ${d.id} [${d.suite}/${d.category}] ${d.name}  (${file})`);
    const skip = skips.get(d.id);
    if (skip) {
      out.push(`    would skip: ${skip}`);
      continue;
    }
    out.push("    would run", `    expected: ${d.expected}`);
    for (const f of declaredFaults(d)) {
      const target = faultPlan(f, system).text; // e.g. "worker → the instances of hive"
      out.push(
        `    fault: ${f.describe()}${target ? ` (${target})` : ""} for ${formatDuration(faultDurationMs(d))}`,
      );
    }
    if (d.steps) out.push("    fault: scenario steps (see the file)");
    if (d.load)
      out.push(`    load: ${d.load.plan.describe()} on ${d.load.service ?? system.traffic.service}`);
    out.push(`    checks: ${d.expect.length}`);
  }
  return `${out.join("\n")}\n`;
}
