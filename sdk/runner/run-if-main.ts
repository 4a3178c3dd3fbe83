// Lets a scenario file run on its own (`npx tsx scenarios/network/nf-002-latency.ts`) through the same runner
// that `run-all` uses, while staying a plain module when the runner discovers and imports it.
import { realpathSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { HivestormError } from "../core/errors.ts";
import { parseRunAllArgs, USAGE } from "./args.ts";
import { runAll } from "./run-all.ts";
import type { ScenarioDefinition } from "./scenario.ts";

export async function runIfMain(meta: ImportMeta, scenario: ScenarioDefinition): Promise<void> {
  const main = process.argv[1];
  if (!main || realpath(main) !== realpath(fileURLToPath(meta.url))) return;
  try {
    const args = parseRunAllArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`Runs ${scenario.id} (${scenario.name}) alone.\n\n${USAGE}`);
      process.exit(0);
    }
    const file = relative(process.cwd(), fileURLToPath(meta.url));
    const result = await runAll(
      { ...args, suites: [scenario.suite], only: [scenario.id] },
      { scenarios: [{ file, definition: scenario }] },
    );
    process.exit(result.exitCode);
  } catch (error) {
    process.stderr.write(
      `${error instanceof HivestormError ? error.message : String((error as Error).stack ?? error)}\n`,
    );
    process.exit(2);
  }
}

function realpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
