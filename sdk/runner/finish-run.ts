// The end of a run: the services' logs gathered into run.log, the reports written from the journal, the
// summary printed, and the exit code: 0 passed, 1 failed, 130/143 interrupted by SIGINT/SIGTERM.
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { type RunJournal, writeJournal } from "../core/journal.ts";
import type { ShutdownReason } from "../core/shutdown.ts";
import { formatConsoleSummary } from "../report/console-summary.ts";
import { updateLatestLink, writeReports } from "../report/write-reports.ts";
import type { SystemDefinition } from "../system/definition.ts";
import type { RunAllArgs } from "./args.ts";
import type { PreparedRun } from "./prepare-run.ts";
import type { Progress } from "./progress.ts";

export interface RunAllResult {
  exitCode: number;
  runDir?: string;
  journal?: RunJournal;
}

/** One line into run.log and the live progress. */
export function runLog(runDir: string, progress: Progress): (line: string) => void {
  const file = join(runDir, "run.log");
  return (line) => {
    appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    progress.log(line);
  };
}

export function finishRun(
  run: PreparedRun,
  journal: RunJournal,
  o: { args: RunAllArgs; progress: Progress; log: (line: string) => void; interrupted?: ShutdownReason },
): RunAllResult {
  collectServiceLogs(join(run.runDir, "run.log"), run.logDir, run.system);
  journal.artifacts = ["results.json", "run.log"];
  const file = join(run.runDir, "results.json");
  try {
    journal.artifacts.push(...writeReports(run.runDir, journal));
    writeJournal(file, journal);
    updateLatestLink(resolve(run.root, o.args.reportDir), run.runDir);
  } catch (error) {
    o.log(`could not write the reports: ${(error as Error).message}`);
  }
  o.progress.close();
  process.stdout.write(formatConsoleSummary(journal, { runDir: relative(process.cwd(), run.runDir) || "." }));
  const exitCode =
    journal.status === "passed"
      ? 0
      : journal.status === "interrupted"
        ? o.interrupted === "SIGTERM"
          ? 143
          : 130
        : 1;
  return { exitCode, runDir: run.runDir, journal };
}

/** Every service log into run.log: the files in the log folder and the logFiles a service declares elsewhere. */
function collectServiceLogs(runLog: string, logDir: string, system: SystemDefinition): void {
  const inDir = existsSync(logDir)
    ? readdirSync(logDir)
        .sort()
        .map((name) => join(logDir, name))
    : [];
  const declared = Object.values(system.services).flatMap((s) => s.logFiles ?? []);
  for (const file of [...new Set([...inDir, ...declared])]) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    appendFileSync(runLog, `\n===== ${basename(file)} =====\n${readFileSync(file, "utf8")}`);
  }
}
