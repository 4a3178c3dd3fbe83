// The live experiment notebook, executed as CI executes the others (Debian's Jupyter, the Deno kernel): it
// starts the demo, applies a fault, runs a load, draws it, and stops everything in its last cell; and a kernel
// shut down half-way, the fault applied, leaves nothing either. Nothing left means: no process started from the
// kernel, no demo port open, the ledger settled (its file removed), so no fault or Toxiproxy left.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { chartProblems, countDrawnMarks } from "../../notebooks/tooling/drawn-marks.ts";
import { EXPERIMENT_FILE, executeExperiment } from "../../notebooks/tooling/experiment.ts";
import { CHROMIUM } from "../../notebooks/tooling/headless.ts";
import { jupyterMissing, SETUP_HINT } from "../../notebooks/tooling/jupyter.ts";
import { denoCheckNotebooks } from "../../notebooks/tooling/typecheck.ts";
import { markedProcesses } from "../e2e/interrupt-trials.ts";
import { demoPorts, portOpen, shifted } from "../integration/run-all-child.ts";

const OFFSET = 1050;
const PORTS = demoPorts(OFFSET);
const missing = jupyterMissing();
const skipJupyter = missing.length ? `missing ${missing.join(", ")}: ${SETUP_HINT}` : false;
const out = mkdtempSync(join(tmpdir(), "hivestorm-experiment-"));
after(() => rmSync(out, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown> }[];
}
const text = (v: unknown) => [v ?? ""].flat().join("");

/** Runs the notebook (or its first cells) with a marker in the kernel's environment; returns how to look for it. */
async function execute(label: string, stopBeforeCodeCell?: number, thenRun?: string) {
  const dir = join(out, label);
  const ledger = join(dir, "ledger.json");
  const marker = `HIVESTORM_EXPERIMENT_TEST=${label}-${process.pid}`;
  const nb = await executeExperiment({
    outDir: dir,
    portOffset: shifted(OFFSET),
    ledger,
    env: { HIVESTORM_EXPERIMENT_TEST: marker.split("=")[1] },
    stopBeforeCodeCell,
    thenRun,
  }).catch((error: Error) => error);
  return { nb, ledger, marker };
}

/** Waits (generously: a shared machine) until nothing is left; returns what still is. */
async function leftovers(marker: string, ledger: string, withinMs: number): Promise<string[]> {
  const t0 = Date.now();
  for (;;) {
    const left = [
      ...markedProcesses(marker).map((p) => `process ${p}: ${cmdline(p)}`),
      ...(await Promise.all(PORTS.map(async (p) => ((await portOpen(p)) ? [`port ${p} open`] : [])))).flat(),
      ...(existsSync(ledger) ? [`ledger ${ledger}: ${readFileSync(ledger, "utf8").slice(0, 600)}`] : []),
    ];
    if (!left.length || Date.now() - t0 > withinMs) return left;
    await sleep(250);
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "(gone)";
  }
}

it("the live experiment notebook type-checks under deno check (no Jupyter needed)", async () => {
  assert.deepEqual(await denoCheckNotebooks([EXPERIMENT_FILE]), []);
});

describe("the live experiment notebook", { skip: skipJupyter, timeout: 600_000 }, () => {
  it("starts the demo, applies a fault, loads it, draws the load, stops everything; nothing is left", async () => {
    const { nb, ledger, marker } = await execute("full");
    if (nb instanceof Error) throw nb;
    const cells = (JSON.parse(readFileSync(nb.ipynb, "utf8")) as { cells: Cell[] }).cells.filter(
      (c) => c.cell_type === "code",
    );
    const shown = cells.map((c) => (c.outputs ?? []).map((o) => text(o.data?.["text/markdown"])).join(""));
    assert.match(shown[0], /Started `hive`, `queen`; clients reach the queen at http:\/\/127\.0\.0\.1:\d+/);
    assert.match(shown[1], /Applied: latency 300ms on hive/);
    // The load went through the fault: each request took at least the 300 ms it adds. How many failed is the
    // demo's business (on a crowded machine its queen times some out), not the notebook's: it says so.
    const load = /(\d+) requests, (\d+) failed; latency p50 (\d+) ms/.exec(shown[2]);
    assert.ok(load, shown[2]);
    assert.ok(Number(load[1]) >= 20, `a load ran: ${shown[2]}`);
    assert.ok(Number(load[2]) <= Number(load[1]), shown[2]);
    assert.ok(Number(load[3]) >= 300, `the fault was felt: ${shown[2]}`);
    assert.ok(
      (cells[3].outputs ?? []).some((o) => /<svg/.test(text(o.data?.["image/svg+xml"]))),
      "the chart cell drew an SVG",
    );
    assert.match(shown[4], /Fault reverted, testbed closed\. Still answering: nothing\./);
    assert.deepEqual(await leftovers(marker, ledger, 15_000), []);
  });

  it("the HTML export shows the load chart with drawn marks in every panel", {
    skip: existsSync(CHROMIUM) ? false : `missing chromium (Debian package): ${SETUP_HINT}`,
  }, async () => {
    const charts = await countDrawnMarks(join(out, "full", "experiment.html"));
    assert.deepEqual(chartProblems("experiment", charts, 1), [], JSON.stringify(charts));
  });

  it("a kernel shut down with the fault applied (no last cell): the testbed's handling stops everything", async () => {
    // Code cells 0 and 1: the testbed started and the fault applied; then nbclient shuts the kernel down (it
    // interrupts it first: SIGINT, which the testbed answers by reverting and stopping everything).
    const { nb, marker, ledger } = await execute("shutdown", 2);
    assert.ok(!(nb instanceof Error), String(nb));
    assert.deepEqual(await leftovers(marker, ledger, 30_000), []);
  });

  it("a kernel killed outright with the fault applied: the dead-man switch stops everything", async () => {
    const { nb, marker, ledger } = await execute("killed", 2, 'Deno.kill(Deno.pid, "SIGKILL");');
    assert.ok(nb instanceof Error && /died|dead/i.test(nb.message), `the kernel died: ${String(nb)}`);
    assert.deepEqual(await leftovers(marker, ledger, 30_000), []);
  });
});
