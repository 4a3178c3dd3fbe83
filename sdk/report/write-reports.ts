// Writes a run's reports next to its results.json, and points reports/latest at the newest run.
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { HivestormError } from "../core/errors.ts";
import type { RunJournal } from "../core/journal.ts";
import {
  renderLatencyHistogram,
  renderLoadChart,
  renderLoadTokenChart,
  renderRecoveryOverview,
  renderScenarioChart,
  renderTrafficTokenChart,
} from "./charts.ts";
import type { ScenarioFigures } from "./content-scenario.ts";
import type { Figure } from "./document.ts";
import { renderHtmlReport } from "./html.ts";
import { renderJUnit } from "./junit.ts";
import { renderMarkdownReport } from "./markdown.ts";

/**
 * Writes REPORT.md, report.html, junit.xml and charts/*.svg into runDir, from the journal alone; returns their
 * paths relative to it. report.html holds the charts inline: it opens from disk with nothing beside it.
 */
export function writeReports(runDir: string, journal: RunJournal): string[] {
  const figures: Record<string, ScenarioFigures> = {};
  const written: string[] = [];
  const chart = (path: string, alt: string, svg: string): Figure => {
    writeAtomic(join(runDir, path), svg);
    written.push(path);
    return { alt, path, svg };
  };
  for (const s of journal.scenarios) {
    const f: ScenarioFigures = { load: [] };
    const scenarioSvg = renderScenarioChart(s);
    if (scenarioSvg)
      f.chart = chart(
        `charts/${fileSafe(s.id)}.svg`,
        `${s.id}: latency and responses over time`,
        scenarioSvg,
      );
    const loadSvg = renderLoadChart(s.load, `${s.id}: ${s.name} (load)`);
    if (loadSvg)
      f.load!.push(
        chart(
          `charts/${fileSafe(s.id)}-load.svg`,
          `${s.id}: users, requests/s, latency and responses over time`,
          loadSvg,
        ),
      );
    const tokenSvg = renderLoadTokenChart(s.load, `${s.id}: tokens (streaming load)`);
    if (tokenSvg)
      f.load!.push(
        chart(
          `charts/${fileSafe(s.id)}-tokens.svg`,
          `${s.id}: tokens/s, time to first token, inter-token latency and cut streams over time`,
          tokenSvg,
        ),
      );
    const trafficTokens = renderTrafficTokenChart(s);
    if (trafficTokens)
      f.tokens = chart(
        `charts/${fileSafe(s.id)}-streams.svg`,
        `${s.id}: time to first token, longest gap and cut streams of the traffic, with the fault windows`,
        trafficTokens,
      );
    const histogram = renderLatencyHistogram(s.load, `${s.id}: latency distribution of every request`);
    if (histogram)
      f.load!.push(chart(`charts/${fileSafe(s.id)}-latency.svg`, `${s.id}: latency distribution`, histogram));
    figures[s.id] = f;
  }
  const overview: Figure[] = [];
  const recovery = renderRecoveryOverview(journal);
  if (recovery) overview.push(chart("charts/recovery.svg", "time to recover per scenario", recovery));
  writeAtomic(join(runDir, "junit.xml"), renderJUnit(journal));
  const present = ["results.json", "run.log"].filter((f) => existsSync(join(runDir, f)));
  const listed = [...present, ...journal.artifacts, "report.html", "junit.xml", ...written].filter(
    (f) => f !== "REPORT.md",
  );
  const withFiles = { ...journal, artifacts: [...new Set(listed)] };
  writeAtomic(join(runDir, "REPORT.md"), renderMarkdownReport(withFiles, { figures, overview }));
  writeAtomic(join(runDir, "report.html"), renderHtmlReport(withFiles, { figures, overview }));
  return ["REPORT.md", "report.html", "junit.xml", ...written];
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
