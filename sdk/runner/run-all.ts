// The master runner: resolves the run, opens one testbed (Toxiproxy, proxies, services), runs the selected
// scenarios in order on it (restoring any service a scenario left down), writes the journal and the reports,
// and closes the testbed. On SIGINT or SIGTERM it stops the scenario in progress (its faults reverted), closes
// the testbed and writes the journal with status "interrupted".
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { HivestormError } from "../core/errors.ts";
import { makeScope, within } from "../core/run-scope.ts";
import { onShutdown, type ShutdownReason } from "../core/shutdown.ts";
import { sleep } from "../core/sleep.ts";
import { type Testbed, testbed } from "../testbed/testbed.ts";
import type { RunAllArgs } from "./args.ts";
import type { DiscoveredScenario } from "./discover.ts";
import { formatPlan } from "./dry-run.ts";
import { finishRun, type RunAllResult, runLog } from "./finish-run.ts";
import { prepareRun } from "./prepare-run.ts";
import { createProgress, type Progress } from "./progress.ts";
import { RunJournalWriter } from "./run-journal.ts";
import { runSelected } from "./run-selected.ts";

export type { RunAllResult };

/** How long an interrupted run waits for the scenario in progress to stop by itself before closing anyway. */
const STOP_GRACE_MS = 5000;

export async function runAll(
  args: RunAllArgs,
  options: { root?: string; scenarios?: DiscoveredScenario[]; progress?: Progress } = {},
): Promise<RunAllResult> {
  const run = await prepareRun(args, options);
  if (args.dryRun) {
    const plan = within(makeScope({ timeScale: args.timeScale }), () =>
      formatPlan(run.system, run.selected, args.demoBugs, run.skips, args.target),
    );
    process.stdout.write(plan);
    return { exitCode: 0 };
  }
  mkdirSync(run.logDir, { recursive: true });
  const progress = options.progress ?? createProgress();
  const log = runLog(run.runDir, progress);
  const journal = new RunJournalWriter(run.runDir, run.runId, args);
  const controller = new AbortController();
  let interrupted: ShutdownReason | undefined;
  let bed: Testbed | undefined;
  let flow: Promise<unknown> = Promise.resolve();
  let reported!: () => void;
  const done = new Promise<void>((r) => {
    reported = r;
  });
  const unhook = onShutdown(async (reason) => {
    interrupted ??= reason;
    controller.abort(new HivestormError("E_ABORTED", `${reason} received`));
    // A step that ignores the abort gets a bounded grace; then everything is reverted and stopped anyway.
    await Promise.race([flow, sleep(STOP_GRACE_MS)]);
    await bed?.close();
    journal.finish({ interrupted, strict: args.strict });
    await Promise.race([done, sleep(STOP_GRACE_MS)]);
  });
  let error: string | undefined;
  flow = (async () => {
    log(`run ${run.runId}: ${run.selected.length} scenario(s), time scale ${args.timeScale}`);
    bed = await testbed({
      ...{ config: run.system, name: args.config, root: run.root, target: args.target, flags: args.demoBugs },
      ...{ timeScale: args.timeScale, logDir: run.logDir, log, runId: run.runId, signal: controller.signal },
      ...{ handleSignals: false, ambient: false, allowNonLoopback: args.allowNonLoopback },
    });
    journal.started(bed);
    const logWindowDir = join(run.runDir, "fault-windows");
    await runSelected(bed, run.selected, { journal, progress, log, signal: controller.signal, logWindowDir });
  })().catch((e: Error) => {
    if (!controller.signal.aborted) error = e.message;
    log(`run stopped: ${e.message}`);
  });
  await flow;
  await bed?.close();
  journal.finish({ interrupted, error, strict: args.strict });
  const result = finishRun(run, journal.journal, { args, progress, log, interrupted });
  reported();
  unhook();
  return result;
}
