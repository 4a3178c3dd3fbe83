// The type gate for the notebooks: the Deno kernel runs cells without checking their types, so each notebook's
// code cells are joined into one module beside it and given to `deno check`; the code they share
// (notebooks/lib) is checked by tsc with the DOM types it draws on.
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../lib/run-select.ts";
import { NOTEBOOKS } from "./jupyter.ts";

const run = promisify(execFile);
const NOTEBOOK_DIR = join(PROJECT_ROOT, "notebooks");
const BIN = join(PROJECT_ROOT, "node_modules", ".bin");

interface NotebookJson {
  cells: { cell_type: string; source: string | string[] }[];
}

/** A notebook's code cells as one TypeScript module, each cell marked with its index. */
export function notebookModule(file: string): string {
  const nb = JSON.parse(readFileSync(file, "utf8")) as NotebookJson;
  return nb.cells
    .map((cell, i) => (cell.cell_type === "code" ? `// cell ${i}\n${[cell.source].flat().join("")}\n` : ""))
    .filter(Boolean)
    .join("\n");
}

/** Type-checks notebooks with `deno check`; resolves to the problems found (empty when none). */
export async function denoCheckNotebooks(
  files: string[] = NOTEBOOKS.map((name) => join(NOTEBOOK_DIR, `${name}.ipynb`)),
): Promise<string[]> {
  // Each module sits beside its notebook, so that the cells' relative imports resolve as in the kernel.
  const modules = files.map((f) =>
    join(dirname(f), `.stage-check-${process.pid}-${basename(f, ".ipynb")}.ts`),
  );
  try {
    files.forEach((f, i) => {
      writeFileSync(modules[i], notebookModule(f));
    });
    await run(join(BIN, "deno"), ["check", "--quiet", ...modules], {
      cwd: NOTEBOOK_DIR,
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
      timeout: 120_000,
    });
    return [];
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return [
      `deno check: ${(e.stderr || e.stdout || e.message).replace(/\n\s*Stack backtrace:[\s\S]*/, "").trim()}`,
    ];
  } finally {
    for (const m of modules) rmSync(m, { force: true });
  }
}

/** Type-checks notebooks/lib with tsc (DOM types included); resolves to the problems found. */
export async function tscCheckLib(): Promise<string[]> {
  try {
    await run(join(BIN, "tsc"), ["--noEmit", "-p", join(NOTEBOOK_DIR, "tsconfig.json")], {
      cwd: PROJECT_ROOT,
      timeout: 120_000,
    });
    return [];
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return [`tsc -p notebooks/tsconfig.json: ${(e.stdout || e.stderr || e.message).trim()}`];
  }
}
