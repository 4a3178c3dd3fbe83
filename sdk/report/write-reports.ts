// Writes a run's reports next to its results.json, and points reports/latest at the newest run.
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { HivestormError } from "../core/errors.ts";
import type { RunJournal } from "../core/journal.ts";
import { renderLoadChart, renderScenarioChart } from "./charts.ts";
import { renderJUnit } from "./junit.ts";
import { renderMarkdownReport } from "./markdown.ts";

/** Writes REPORT.md, junit.xml and charts/*.svg into runDir; returns their paths relative to it. */
export function writeReports(runDir: string, journal: RunJournal): string[] {
  const charts: Record<string, string> = {};
  const loadCharts: Record<string, string> = {};
  const written: string[] = [];
  for (const s of journal.scenarios) {
    const chart = renderScenarioChart(s);
    if (chart) {
      charts[s.id] = `charts/${fileSafe(s.id)}.svg`;
      writeAtomic(join(runDir, charts[s.id]), chart);
      written.push(charts[s.id]);
    }
    const loadChart = renderLoadChart(s.load, `${s.id}: ${s.name} (load)`);
    if (loadChart) {
      loadCharts[s.id] = `charts/${fileSafe(s.id)}-load.svg`;
      writeAtomic(join(runDir, loadCharts[s.id]), loadChart);
      written.push(loadCharts[s.id]);
    }
  }
  writeAtomic(join(runDir, "junit.xml"), renderJUnit(journal));
  const present = ["results.json", "run.log"].filter((f) => existsSync(join(runDir, f)));
  const listed = [...present, ...journal.artifacts, "junit.xml", ...written].filter((f) => f !== "REPORT.md");
  const artifacts = [...new Set(listed)];
  writeAtomic(
    join(runDir, "REPORT.md"),
    renderMarkdownReport({ ...journal, artifacts }, { charts, loadCharts }),
  );
  return ["REPORT.md", "junit.xml", ...written];
}

export interface LatestLink {
  kind: "symlink" | "file";
  path: string;
}

/**
 * Points `<reportsDir>/latest` at runDir: a relative symlink swapped in with one rename (a reader sees the old
 * run or the new one, never none), or, where symlinks are refused, a text file holding the run directory's path
 * relative to reportsDir (loadRun reads both).
 */
export function updateLatestLink(
  reportsDir: string,
  runDir: string,
  io: { symlink?: typeof symlinkSync } = {},
): LatestLink {
  const link = join(reportsDir, "latest");
  const target = relative(resolve(reportsDir), resolve(runDir)) || ".";
  const tmp = join(reportsDir, `.latest-${process.pid}-${Date.now()}`);
  mkdirSync(reportsDir, { recursive: true });
  try {
    (io.symlink ?? symlinkSync)(target, tmp, "dir");
    replace(tmp, link);
    return { kind: "symlink", path: link };
  } catch (error) {
    rmSync(tmp, { force: true });
    if (error instanceof HivestormError) throw error;
  }
  writeFileSync(tmp, `${target}\n`);
  replace(tmp, link);
  return { kind: "file", path: link };
}

function replace(tmp: string, link: string): void {
  try {
    renameSync(tmp, link);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new HivestormError(
      "E_REPORT",
      `cannot replace ${link}`,
      {
        expected: "a symlink or file named latest (or nothing)",
        found: (error as Error).message,
        hint: `remove ${link} by hand; hivestorm owns that name`,
      },
      { cause: error },
    );
  }
}

function writeAtomic(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.tmp`);
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

/** A scenario id as a file name: ids are kebab-case already; anything else becomes a dash. */
export function fileSafe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, "-");
}
