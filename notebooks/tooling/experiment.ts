// Executes the live experiment notebook (notebooks/experiment.ipynb) headless: it starts the demo, so it gets
// ports and a ledger of its own, and is never part of the notebooks run on a finished run's journal.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../lib/run-select.ts";
import { executeNotebook, type NotebookOutputs } from "./jupyter.ts";

export const EXPERIMENT = "experiment";
export const EXPERIMENT_FILE = join(PROJECT_ROOT, "notebooks", `${EXPERIMENT}.ipynb`);

export interface ExperimentOptions {
  outDir: string;
  /** HIVESTORM_PORT_OFFSET for the demo the notebook starts. */
  portOffset: number;
  /** HIVESTORM_LEDGER: the testbed's ledger, whose absence afterwards says everything was settled. */
  ledger: string;
  /** More environment for the kernel and everything it starts. */
  env?: Record<string, string>;
  /**
   * Executes only the code cells before this one, then shuts the kernel down: what a user who closes the
   * notebook half-way leaves behind (nothing, when the testbed does its job).
   */
  stopBeforeCodeCell?: number;
  /** A code cell run after the cut (how a test kills the kernel outright). */
  thenRun?: string;
  timeoutMs?: number;
}

export async function executeExperiment(o: ExperimentOptions): Promise<NotebookOutputs> {
  const env = { HIVESTORM_PORT_OFFSET: String(o.portOffset), HIVESTORM_LEDGER: o.ledger, ...o.env };
  const common = { run: "", outDir: o.outDir, env, timeoutMs: o.timeoutMs ?? 240_000 };
  if (o.stopBeforeCodeCell === undefined) return executeNotebook(EXPERIMENT, common);
  // Beside the original, so that the cells' relative imports resolve in the kernel's working directory.
  const name = `.stage-${EXPERIMENT}-${process.pid}-cut${o.stopBeforeCodeCell}`;
  const file = join(PROJECT_ROOT, "notebooks", `${name}.ipynb`);
  const nb = cutBefore(o.stopBeforeCodeCell);
  if (o.thenRun)
    nb.cells.push({
      cell_type: "code",
      id: "then-run",
      metadata: {},
      source: o.thenRun,
      outputs: [],
      execution_count: null,
    });
  writeFileSync(file, JSON.stringify(nb));
  try {
    return await executeNotebook(name, { ...common, exports: false });
  } finally {
    rmSync(file, { force: true });
  }
}

/** The notebook up to (not including) its `n`th code cell, counting from 0. */
function cutBefore(n: number): { cells: Record<string, unknown>[] } {
  const nb = JSON.parse(readFileSync(EXPERIMENT_FILE, "utf8")) as { cells: Record<string, unknown>[] };
  let seen = 0;
  const end = nb.cells.findIndex((c) => c.cell_type === "code" && seen++ === n);
  return { ...nb, cells: end < 0 ? nb.cells : nb.cells.slice(0, end) };
}
