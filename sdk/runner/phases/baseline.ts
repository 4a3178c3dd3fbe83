// Phase 3, baseline: background traffic at a steady rate before the fault, so that "during" and "after" have
// something to be compared with. A baseline that is not itself healthy stops the scenario as an error.
import { getTimeScale, parseDuration, scaledDuration } from "../../core/duration.ts";
import { sleep } from "../../core/sleep.ts";
import type { FaultScenario, StepsScenario } from "../scenario.ts";
import type { ScenarioRun } from "../scenario-run.ts";
import { Traffic, trafficRequest, withStream } from "../traffic.ts";

export const BASELINE_DEFAULT = "5s";
/** The shortest baseline a time scale leaves: 20 samples, enough for its 99% (1 s at the default 20 req/s). */
export const BASELINE_MIN_SAMPLES = 20;
/** ... and never under this, whatever the rate. */
export const BASELINE_MIN_MS = 500;
export const MIN_SUCCESS_DEFAULT = 0.99;
export const TRAFFIC_RATE_DEFAULT = 20;
/**
 * Below this time scale (`--quick` is 0.0125) the windows sit at their floors, which are counts of samples:
 * background traffic then runs at twice its rate, so that they pass in half the time.
 */
export const FLOOR_TIME_SCALE = 0.1;

/** Requests per second of a scenario's background traffic in the current run (see FLOOR_TIME_SCALE). */
export function backgroundRate(def: { trafficRate?: number }, systemRate: number | undefined): number {
  const rate = def.trafficRate ?? systemRate ?? TRAFFIC_RATE_DEFAULT;
  return getTimeScale() < FLOOR_TIME_SCALE ? Math.min(1000, rate * 2) : rate;
}

/** How long `samples` requests take at `rate` requests per second, never under `minMs`. */
export function samplesFloorMs(samples: number, rate: number, minMs: number): number {
  return Math.max(minMs, Math.ceil((1000 * samples) / rate));
}

/** The shortest baseline at `rate` requests per second. */
export function baselineFloorMs(rate: number): number {
  return samplesFloorMs(BASELINE_MIN_SAMPLES, rate, BASELINE_MIN_MS);
}

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
  const rate = backgroundRate(def, t.rate);
  const traffic = new Traffic(capture ? { ...req, capture } : req, { rate, timeoutMs });
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
  const baselineMs = Math.max(baselineFloorMs(rate), scaledDuration(def.baseline ?? BASELINE_DEFAULT));
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
