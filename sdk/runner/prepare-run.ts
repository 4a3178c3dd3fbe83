// Everything a run resolves before it starts anything: the system definition, the scenarios and the
// selection, every fault's target on this system, and a report folder it can write. Any problem is an error
// naming the input, and nothing has been started.
import { accessSync, constants, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { scenarioPlanProblems } from "../chaos/process/plan.ts";
import { checkTimeScale } from "../core/duration.ts";
import { HivestormError, ValidationError } from "../core/errors.ts";
import type { SystemDefinition } from "../system/definition.ts";
import { loadSystem } from "../testbed/load-system.ts";
import type { RunAllArgs } from "./args.ts";
import { type DiscoveredScenario, discoverScenarios } from "./discover.ts";
import { selectScenarios } from "./select.ts";

export interface PreparedRun {
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
  const root = resolve(o.root ?? process.cwd());
  const runId = new Date().toISOString().replace(/[:.]/g, "-");
  const runDir = resolve(root, args.reportDir, runId);
  const logDir = join(runDir, "logs");
  const { system } = await loadSystem(args.config, {
    ...{ demoBugs: args.demoBugs, flags: args.demoBugs, target: args.target, logDir, root },
    allowNonLoopback: args.allowNonLoopback,
  });
  const selected = selectScenarios(o.scenarios ?? (await discoverScenarios(root)), args);
  // A fault whose selector names nothing in this system is refused before anything starts.
  const problems = scenarioPlanProblems(
    selected.map((s) => s.definition),
    system,
  );
  if (problems.length) throw new ValidationError("scenario faults", problems);
  if (!args.dryRun) assertWritable(resolve(root, args.reportDir));
  return { root, runId, runDir, logDir, system, selected };
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
