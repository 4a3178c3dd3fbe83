// Builds the Observable pages (Notebook Kit 2) for one run to static HTML, offline. The pages read
// `data/run.json` and `data/base.json` through FileAttachment, which the build copies into the output; so
// each build stages the pages with the chosen run's journals in a private folder beside notebooks/observable
// (same depth, so the pages' relative imports of sdk/ still resolve), and removes it afterwards.
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../lib/run-select.ts";

const run = promisify(execFile);

const SOURCE_DIR = join(PROJECT_ROOT, "notebooks", "observable");
export const NOTEBOOK_KIT_CLI = join(
  PROJECT_ROOT,
  "node_modules",
  "@observablehq",
  "notebook-kit",
  "dist",
  "bin",
  "notebooks.js",
);

/** The pages, by file name without .html. */
export function observablePages(): string[] {
  return readdirSync(SOURCE_DIR)
    .filter((f) => f.endsWith(".html"))
    .map((f) => f.slice(0, -".html".length))
    .sort();
}

export interface BuildOptions {
  /** results.json of the run to show, and of the base run for the comparison page. */
  run: string;
  base: string;
  /** Emptied, then filled with the static site (one .html per page, assets/). */
  outDir: string;
  timeoutMs?: number;
}

/** Writes the data the pages read into `dir`/data: run.json, base.json and meta.json (their origins). */
export function stageData(dir: string, o: { run: string; base: string }): string {
  const data = join(dir, "data");
  mkdirSync(data, { recursive: true });
  copyFileSync(o.run, join(data, "run.json"));
  copyFileSync(o.base, join(data, "base.json"));
  const meta = { run: relative(PROJECT_ROOT, o.run), base: relative(PROJECT_ROOT, o.base) };
  writeFileSync(join(data, "meta.json"), `${JSON.stringify(meta)}\n`);
  return data;
}

export interface BuildResult {
  outDir: string;
  pages: string[];
  ms: number;
}

export async function buildObservable(o: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const stage = mkdtempSync(join(PROJECT_ROOT, "notebooks", ".stage-"));
  try {
    const pages = observablePages();
    for (const page of pages) copyFileSync(join(SOURCE_DIR, `${page}.html`), join(stage, `${page}.html`));
    stageData(stage, o);
    mkdirSync(o.outDir, { recursive: true });
    try {
      await run(
        process.execPath,
        [
          NOTEBOOK_KIT_CLI,
          "build",
          "--root",
          stage,
          "--out",
          o.outDir,
          "--empty",
          "--",
          ...pages.map((p) => join(stage, `${p}.html`)),
        ],
        { cwd: PROJECT_ROOT, timeout: o.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 },
      );
    } catch (error) {
      const e = error as { stderr?: string; stdout?: string; message: string };
      throw new Error(`Observable build failed:\n${(e.stderr || e.stdout || e.message).trim()}`);
    }
    const missing = pages.filter((p) => !existsSync(join(o.outDir, `${p}.html`)));
    if (missing.length) throw new Error(`Observable build wrote no ${missing.join(", ")} in ${o.outDir}`);
    return { outDir: o.outDir, pages, ms: performance.now() - started };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
