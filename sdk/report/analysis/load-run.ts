import { readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RunJournal } from "../../core/journal.ts";
import { readJournal } from "../../core/journal.ts";

/**
 * Loads a run from its directory, its results.json, or `reports/latest` (a symlink, or the text file holding
 * the run id that updateLatestLink writes where symlinks fail).
 */
export function loadRun(path: string): RunJournal {
  return readJournal(resultsFile(path));
}

/** The results.json a path designates (see loadRun). */
export function resultsFile(path: string): string {
  const full = resolve(path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (stat?.isDirectory()) return join(full, "results.json");
  if (stat?.isFile() && !full.endsWith(".json")) {
    // The `latest` fallback: a one-line file naming a sibling run directory.
    const runId = readFileSync(full, "utf8").trim();
    if (runId && !runId.includes("\n")) return join(dirname(full), runId, "results.json");
  }
  return full;
}
