#!/usr/bin/env -S npx tsx
// Rebuilds a run's reports from its results.json alone: REPORT.md, report.html, junit.xml and charts/*.svg,
// then prints the same summary run-all ends with. Usage: npx tsx scripts/report.ts RUN_DIR
import { dirname, relative } from "node:path";
import { parseArgs } from "node:util";
import {
  formatConsoleSummary,
  HivestormError,
  loadRun,
  resultsFile,
  ValidationError,
  writeReports,
} from "../sdk/index.ts";

const USAGE = `usage: npx tsx scripts/report.ts RUN_DIR

Rebuilds REPORT.md, report.html, junit.xml and charts/*.svg of a run from its results.json, in the run's folder.
RUN_DIR is a run folder, its results.json, or reports/latest.`;

function main(argv: string[]): number {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new ValidationError(
      "the command line",
      [
        {
          path: "RUN_DIR",
          message: `expected one run folder, found ${positionals.length ? positionals.join(" ") : "none"}`,
        },
      ],
      USAGE,
    );
  const file = resultsFile(positionals[0]);
  const journal = loadRun(file);
  const dir = dirname(file);
  const written = writeReports(dir, journal);
  const shown = relative(process.cwd(), dir) || ".";
  console.log(`wrote ${written.length} files in ${shown}\n`);
  process.stdout.write(formatConsoleSummary(journal, { runDir: shown }));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof HivestormError ? error.message : (error as Error).stack);
  process.exitCode = error instanceof ValidationError ? 2 : 1;
}
