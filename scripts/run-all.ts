#!/usr/bin/env -S npx tsx
// The master runner: npx tsx scripts/run-all.ts [--suite chaos] [--quick] [--dry-run] ... (see --help)
import { HivestormError, parseRunAllArgs, runAll, USAGE } from "../sdk/index.ts";

try {
  const args = parseRunAllArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const { exitCode } = await runAll(args);
  process.exit(exitCode);
} catch (error) {
  process.stderr.write(
    `${error instanceof HivestormError ? error.message : String((error as Error).stack ?? error)}\n`,
  );
  process.exit(2);
}
