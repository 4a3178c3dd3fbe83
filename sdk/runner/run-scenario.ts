// Runs one scenario through its phases (sdk/runner/phases/): requirements → steady state → baseline → fault
// window → revert → recovery → checks → verdict. Whatever happens, every fault it applied is reverted before it
// returns; an interrupted scenario is "interrupted", never "failed".
import type { ScenarioResult } from "../core/journal.ts";
import { timeline } from "../report/analysis.ts";
import type { Observations } from "./expect.ts";
import { type Baseline, runBaseline } from "./phases/baseline.ts";
import { judge } from "./phases/checks.ts";
import { runFaultWindow } from "./phases/fault-window.ts";
import { runLoadPhase } from "./phases/load.ts";
import { columns, measureRecovery } from "./phases/recovery.ts";
import { checkRequirements } from "./phases/requirements.ts";
import { revertFaults } from "./phases/revert.ts";
import { waitSteadyState } from "./phases/steady-state.ts";
import { scenarioWindows, windowTimes } from "./phases/windows.ts";
import type { ScenarioDefinition } from "./scenario.ts";
import { ScenarioRun, type ScenarioRunOptions } from "./scenario-run.ts";

export async function runScenario(def: ScenarioDefinition, o: ScenarioRunOptions): Promise<ScenarioResult> {
  const run = new ScenarioRun(def, o);
  const interrupted = () => run.finish("interrupted", `${String(o.signal.reason?.message ?? "interrupted")}`);
  let baseline: Baseline | undefined;
  try {
    const skip = await checkRequirements(run);
    if (skip) return skip;
    run.phase("steady-state");
    const unhealthy = await waitSteadyState(o.bed, { timeoutMs: 20_000, signal: o.signal });
    if (o.signal.aborted) return interrupted();
    if (unhealthy) return run.finish("error", `system not in steady state before the fault: ${unhealthy}`);
    if (def.load) {
      run.phase("load");
      await runLoadPhase(run);
      return o.signal.aborted ? interrupted() : verdict(run, { samples: columns([], 0), windows: {} });
    }
    run.phase("baseline");
    baseline = await runBaseline(run, def);
    if (o.signal.aborted) return interrupted();
    const samplesNow = () => columns(baseline!.traffic.samples, run.startedAt);
    if (baseline.problem) return run.finish("error", baseline.problem, withSamples(samplesNow()));
    run.phase("fault");
    const stepsStart = Date.now();
    const logs = run.markLogs();
    await runFaultWindow(run);
    const window = await revertFaults(run, { start: stepsStart, end: Date.now() });
    run.saveLogWindow(logs);
    if (o.signal.aborted) return interrupted();
    run.phase("recovery");
    const { traffic, baselineMs } = baseline;
    const at = { revertAt: window.end, startedAt: run.startedAt, signal: o.signal };
    const { windowMs, ...recovery } = await measureRecovery(def, { traffic, ...at });
    await baseline.stop();
    if (o.signal.aborted) return interrupted();
    const samples = samplesNow();
    const windows = scenarioWindows(
      samples,
      windowTimes(run.startedAt, window, baselineMs, recovery, windowMs),
    );
    return verdict(run, { samples, windows, recovery });
  } catch (error) {
    if (o.signal.aborted) return interrupted();
    const e = error as Error;
    return run.finish("error", oneLine(e.message), { notes: [...run.notes, String(e.stack ?? e)] });
  } finally {
    await baseline?.stop();
    await run.revertAll();
    run.dispose();
  }
}

/** One line, but all of it: a validation error lists its problems on the lines after the first. */
function oneLine(message: string): string {
  return message
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
}

function verdict(
  run: ScenarioRun,
  o: Pick<Observations, "samples" | "windows" | "recovery">,
): ScenarioResult {
  const { verdict, reason, checks } = judge(run.def.expect, { ...o, faults: run.faults, data: run.data });
  return run.finish(verdict, reason, {
    checks,
    windows: o.windows,
    recovery: o.recovery,
    ...withSamples(o.samples),
  });
}

function withSamples(samples: Observations["samples"]): Partial<ScenarioResult> {
  return samples.t.length ? { samples, timeline: timeline(samples, 1000) } : {};
}
