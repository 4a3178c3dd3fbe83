// Everything a run resolves before it starts anything: the system definition, the scenarios and the
// selection, every fault's target on this system, and a report folder it can write. Any problem is an error
// naming the input, and nothing has been started.
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { scenarioPlanProblems } from "../chaos/process/plan.ts";
import { STRESSOR_ENV } from "../chaos/resource/stressor.ts";
import { checkTimeScale } from "../core/duration.ts";
import { HivestormError, type Problem, ValidationError } from "../core/errors.ts";
import type { SystemDefinition } from "../system/definition.ts";
import { roleProblems, serviceOf } from "../system/roles.ts";
import { loadSystem } from "../testbed/load-system.ts";
import type { RunAllArgs } from "./args.ts";
import { type DiscoveredScenario, discoverScenarios } from "./discover.ts";
import type { ScenarioDefinition } from "./scenario.ts";
import { selectScenarios } from "./select.ts";

export interface PreparedRun {
  /** Scenarios this system cannot run (unmapped roles, unmet needs), by id, with the reason. */
  skips: Map<string, string>;
  root: string;
  runId: string;
  runDir: string;
  logDir: string;
  system: SystemDefinition;
  selected: DiscoveredScenario[];
}

export async function prepareRun(
  args: RunAllArgs,
  o: { root?: string; scenarios?: DiscoveredScenario[] },
): Promise<PreparedRun> {
  checkTimeScale(args.timeScale);
  // The stressor is read where the faults start their hogs: the flag sets it for this run.
  if (args.stressor) process.env[STRESSOR_ENV] = args.stressor;
  const root = resolve(o.root ?? process.cwd());
  const runId = new Date().toISOString().replace(/[:.]/g, "-");
  const runDir = resolve(root, args.reportDir, runId);
  const logDir = join(runDir, "logs");
  const { system } = await loadSystem(args.config, {
    ...{ demoBugs: args.demoBugs, flags: args.demoBugs, target: args.target, logDir, root },
    allowNonLoopback: args.allowNonLoopback,
    compose: args.compose,
  });
  const sources = { extra: [...args.scenarios, ...(system.scenarios ?? [])], builtin: args.builtin };
  const selected = selectScenarios(o.scenarios ?? (await discoverScenarios(root, sources)), args);
  const skips = new Map<string, string>();
  for (const { definition: d } of selected) {
    const unmet = roleProblems(system, d.roles ?? {}, { target: args.target });
    if (unmet.length) skips.set(d.id, unmet.join("; "));
  }
  // Of the scenarios that will run, a fault or load whose target names nothing here is refused before anything
  // starts (a skipped scenario's targets are its unmapped roles: its skip says so).
  const runnable = selected.map((s) => s.definition).filter((d) => !skips.has(d.id));
  const problems = [...scenarioPlanProblems(runnable, system), ...loadTargetProblems(runnable, system)];
  if (problems.length) throw new ValidationError("scenario targets", problems);
  if (!args.dryRun) assertWritable(resolve(root, args.reportDir));
  return { root, runId, runDir, logDir, system, selected, skips };
}

/** A load scenario's service must be one of the system's (or a mapped role). */
function loadTargetProblems(defs: ScenarioDefinition[], system: SystemDefinition): Problem[] {
  const out: Problem[] = [];
  for (const d of defs) {
    if (!d.load?.service) continue;
    const name = serviceOf(system, d.load.service);
    if (!name || !system.services[name])
      out.push({
        path: `${d.id}.load.service`,
        message: `${JSON.stringify(d.load.service)} names no service; this system has: ${Object.keys(system.services).join(", ")}`,
      });
  }
  return out;
}

/** The report folder (or the nearest existing parent) must be writable: found now, not after an hour's run. */
function assertWritable(dir: string): void {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  try {
    accessSync(d, constants.W_OK);
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new HivestormError("E_REPORT_DIR", `cannot write reports to ${dir}: ${(error as Error).message}`, {
      hint: "pass --report-dir DIR with a folder you can write",
    });
  }
}
