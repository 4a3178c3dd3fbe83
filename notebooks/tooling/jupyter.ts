// Executes the Jupyter notebooks headless with Debian's Jupyter and the project's Deno kernelspec, and exports
// them to Markdown and HTML (nbconvert's exporters, in the runner's own process). The runner (notebooks/jupyter/run-notebook.py) guards against the Deno kernel's
// early-idle output loss and fails on a cell error or a missing output.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { PrerequisiteError } from "../../sdk/core/errors.ts";
import { PROJECT_ROOT } from "../lib/run-select.ts";

const run = promisify(execFile);

/** The notebooks, in the order a reader takes them. */
export const NOTEBOOKS = ["run-overview", "fault-windows", "load", "compare-runs"] as const;

const NOTEBOOK_DIR = join(PROJECT_ROOT, "notebooks");
const RUNNER = join(NOTEBOOK_DIR, "jupyter", "run-notebook.py");
// Debian's Jupyter runs on Debian's python3; a pyenv python3 earlier on PATH does not see its modules.
const PYTHON = "/usr/bin/python3";
export const SETUP_HINT = "run .ci/setup-notebooks.sh (as root) to install Debian's Jupyter and Chromium";

/** What is missing to execute the notebooks here, in words; empty when nothing is. */
export function jupyterMissing(): string[] {
  const missing: string[] = [];
  if (!existsSync("/usr/bin/jupyter-nbconvert")) missing.push("jupyter-nbconvert (Debian package)");
  if (!existsSync("/usr/lib/python3/dist-packages/nbclient"))
    missing.push("python3-nbclient (Debian package)");
  if (!existsSync("/usr/bin/jupyter-kernelspec")) missing.push("jupyter-client (Debian package)");
  if (!existsSync(join(PROJECT_ROOT, "node_modules", ".bin", "deno"))) missing.push("deno (npm ci)");
  return missing;
}

export interface NotebookOutputs {
  name: string;
  /** The executed notebook, its Markdown and HTML exports (SVG charts beside the Markdown, in <name>_files/). */
  ipynb: string;
  markdown: string;
  html: string;
  ms: number;
}

export interface ExecuteOptions {
  /** results.json of the run to analyse, and of the base run for the comparison. */
  run: string;
  base?: string;
  outDir: string;
  /** Per notebook, execution and both exports included; default 120 s. */
  timeoutMs?: number;
  /** Also export to Markdown and HTML (default true). */
  exports?: boolean;
  /** More environment for the kernel (the live experiment's ports and ledger). */
  env?: Record<string, string>;
}

/** Executes one notebook against a run and exports it; rejects with the runner's problems on any failure. */
export async function executeNotebook(name: string, o: ExecuteOptions): Promise<NotebookOutputs> {
  const missing = jupyterMissing();
  if (missing.length)
    throw new PrerequisiteError(`cannot execute notebooks: missing ${missing.join(", ")}`, {
      hint: SETUP_HINT,
    });
  mkdirSync(o.outDir, { recursive: true });
  const started = performance.now();
  const ipynb = join(o.outDir, `${name}.ipynb`);
  const timeout = o.timeoutMs ?? 120_000;
  const env = {
    ...process.env,
    JUPYTER_PATH: join(NOTEBOOK_DIR, "jupyter"),
    PATH: [join(PROJECT_ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter),
    HIVESTORM_RUN: o.run,
    ...(o.base ? { HIVESTORM_BASE: o.base } : {}),
    DENO_NO_UPDATE_CHECK: "1",
    ...o.env,
  };
  const args = [RUNNER, join(NOTEBOOK_DIR, `${name}.ipynb`), ipynb, "--kernel", "deno"];
  if (o.exports !== false) args.push("--export");
  try {
    await run(PYTHON, args, { env, timeout });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`notebook ${name} failed:\n${cleanStderr(e.stderr) || e.message}`);
  }
  return {
    name,
    ipynb,
    markdown: join(o.outDir, `${name}.md`),
    html: join(o.outDir, `${name}.html`),
    ms: performance.now() - started,
  };
}

/** Executes every notebook in turn (the kernel takes one core; two at once would just share two). */
export async function executeNotebooks(o: ExecuteOptions): Promise<NotebookOutputs[]> {
  const out: NotebookOutputs[] = [];
  for (const name of NOTEBOOKS) out.push(await executeNotebook(name, o));
  return out;
}

// The Deno kernel announces itself as unstable on stderr; that line is noise next to a real problem.
function cleanStderr(stderr = ""): string {
  return stderr
    .split("\n")
    .filter((line) => !/"deno jupyter" is unstable/.test(line))
    .join("\n")
    .trim();
}
