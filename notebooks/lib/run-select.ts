// Which run a notebook analyses, decided the same way in the Jupyter notebooks (Deno), the Observable build
// and scripts/notebooks.ts (Node): an explicit choice, else HIVESTORM_RUN, else reports/latest, else the
// committed sample. Relative paths are taken from the project root, because the Jupyter kernel's working
// directory is the notebook's folder, not the shell's.
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { RunJournal } from "../../sdk/core/journal.ts";
import { loadRun, resultsFile } from "../../sdk/report/analysis.ts";

export const RUN_ENV = "HIVESTORM_RUN";
export const BASE_ENV = "HIVESTORM_BASE";

/** The project root (two levels above this file). */
export const PROJECT_ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ChosenRun {
  /** The results.json read. */
  file: string;
  /**
   * Why this one: the argument, the environment variable, reports/latest, a previous good run, the sample, or
   * (for a base only) the head itself, when nothing else is there to compare with.
   */
  source: "argument" | "env" | "latest" | "last-good" | "sample" | "self";
  /** For source "env": the variable. */
  variable?: string;
  journal: RunJournal;
}

/** The run to analyse (see the file comment for the order). */
export function chooseRun(choice?: string, env: Record<string, string | undefined> = process.env): ChosenRun {
  if (choice) return load(choice, "argument");
  const fromEnv = env[RUN_ENV];
  if (fromEnv) return { ...load(fromEnv, "env"), variable: RUN_ENV };
  const latest = join(PROJECT_ROOT, "reports", "latest");
  if (existsSync(resultsFile(latest))) return load(latest, "latest");
  return load(join(PROJECT_ROOT, "reports", "sample"), "sample");
}

/**
 * The run to compare `head` with: an explicit choice, else HIVESTORM_BASE, else the last good run (the newest
 * run under reports/ that passed and started before head), else the committed reports/sample, else (head is
 * the sample, on a fresh clone) head itself: a comparison that shows no change, and says why.
 */
export function chooseBase(
  head: ChosenRun,
  choice?: string,
  env: Record<string, string | undefined> = process.env,
): ChosenRun {
  if (choice) return load(choice, "argument");
  const fromEnv = env[BASE_ENV];
  if (fromEnv) return { ...load(fromEnv, "env"), variable: BASE_ENV };
  const good = lastGoodRun(head);
  if (good) return good;
  const sample = load(join(PROJECT_ROOT, "reports", "sample"), "sample");
  return sample.file === head.file ? { ...head, source: "self" } : sample;
}

// The committed sample is a fallback, never "the last good run" of a real one; latest is an alias.
const SKIPPED_IN_SCAN = new Set(["latest", "sample"]);

/** The newest passed run under reports/ that started before head, or undefined. Unreadable runs are skipped. */
export function lastGoodRun(
  head: ChosenRun,
  reportsDir = join(PROJECT_ROOT, "reports"),
): ChosenRun | undefined {
  let best: ChosenRun | undefined;
  const entries = existsSync(reportsDir) ? readdirSync(reportsDir, { withFileTypes: true }) : [];
  for (const entry of entries) {
    if (!entry.isDirectory() || SKIPPED_IN_SCAN.has(entry.name)) continue;
    const file = join(reportsDir, entry.name, "results.json");
    if (!existsSync(file) || resolve(file) === resolve(head.file)) continue;
    let journal: RunJournal;
    try {
      journal = loadRun(file);
    } catch {
      continue;
    }
    if (journal.status !== "passed" || journal.startedAt >= head.journal.startedAt) continue;
    if (!best || journal.startedAt > best.journal.startedAt) best = { file, source: "last-good", journal };
  }
  return best;
}

function load(path: string, source: ChosenRun["source"]): ChosenRun {
  // The real path: reports/latest may move to another run while a notebook still reads this one.
  const named = resultsFile(isAbsolute(path) ? path : join(PROJECT_ROOT, path));
  const file = existsSync(named) ? realpathSync(named) : named;
  return { file, source, journal: loadRun(file) };
}

/** Where a chosen run came from, in words, with its path relative to the project root. */
export function describeChoice(run: ChosenRun): string {
  const why = {
    argument: "chosen explicitly",
    env: `from ${run.variable ?? "the environment"}`,
    latest: "reports/latest",
    "last-good": "the last good run before it",
    sample: "the committed sample",
    self: "the same run: no earlier passed run to compare with; pass a base run or set HIVESTORM_BASE",
  }[run.source];
  return `\`${relative(PROJECT_ROOT, run.file)}\` (${why})`;
}
