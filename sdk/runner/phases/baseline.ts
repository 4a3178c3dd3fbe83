// Phase 3, baseline: background traffic at a steady rate before the fault, so that "during" and "after" have
// something to be compared with. A baseline that is not itself healthy stops the scenario as an error.
import { parseDuration, scaledDuration } from "../../core/duration.ts";
import { sleep } from "../../core/sleep.ts";
import type { FaultScenario, StepsScenario } from "../scenario.ts";
import type { ScenarioRun } from "../scenario-run.ts";
import { Traffic, trafficRequest, withStream } from "../traffic.ts";

export const BASELINE_DEFAULT = "5s";
/** The shortest baseline a time scale leaves: 20 samples at the default 20 req/s, enough for its 99%. */
export const BASELINE_MIN_MS = 1000;
export const MIN_SUCCESS_DEFAULT = 0.99;

export interface Baseline {
  traffic: Traffic;
  baselineMs: number;
  /** Why the baseline is not a steady state; undefined when it is. */
  problem?: string;
  stop(): Promise<void>;
}

export async function runBaseline(run: ScenarioRun, def: FaultScenario | StepsScenario): Promise<Baseline> {
  const t = run.o.bed.system.traffic;
  const req = withStream(trafficRequest(run.o.bed.system), run.o.bed.system, def.trafficStream);
  const capture = def.capture ? { ...req.capture, ...def.capture } : req.capture;
  const timeoutMs = parseDuration(t.timeout ?? "10s");
  const traffic = new Traffic(capture ? { ...req, capture } : req, {
    rate: def.trafficRate ?? t.rate ?? 20,
    timeoutMs,
  });
  traffic.start();
  let seen = 0;
  const progress = setInterval(() => {
    const recent = traffic.samples.slice(seen);
    seen = traffic.samples.length;
    run.o.onTraffic?.({ rps: recent.length, errors: recent.filter((x) => !x.ok).length });
  }, 1000);
  const stop = async () => {
    clearInterval(progress);
    await traffic.stop();
  };
  const baselineMs = Math.max(BASELINE_MIN_MS, scaledDuration(def.baseline ?? BASELINE_DEFAULT));
  await sleep(baselineMs, run.o.signal);
  const end = Date.now();
  // Judged on the answer to every request the baseline sent: on a busy machine the first ones come back late.
  for (const by = end + timeoutMs; !run.o.signal.aborted && traffic.settledUntil() < end && Date.now() < by; )
    await sleep(20, run.o.signal);
  const s = traffic.between(run.startedAt, end);
  const ok = s.filter((x) => x.ok).length;
  const min = def.recovery?.minSuccessRate ?? MIN_SUCCESS_DEFAULT;
  const problem =
    s.length < 3 || ok / s.length < min
      ? `system not in steady state before the fault: baseline success ${ok}/${s.length} (needs ${min * 100}%)`
      : undefined;
  return { traffic, baselineMs, problem, stop };
}
