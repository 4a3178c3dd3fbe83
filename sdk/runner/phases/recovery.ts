// Phase 6, recovery: after the revert, background traffic is sampled until the steady state holds again over a
// window (time to recover), or the deadline passes. Timed from the faults' own revert, never from the phase.
import { parseDuration, scaledDuration } from "../../core/duration.ts";
import type { RecoveryRecord, SampleColumns } from "../../core/journal.ts";
import { sleep } from "../../core/sleep.ts";
import { describeRecoveryCriterion, timeToRecover } from "../../report/analysis.ts";
import type { FaultScenario, StepsScenario } from "../scenario.ts";
import type { Sample, Traffic } from "../traffic.ts";
import { MIN_SUCCESS_DEFAULT, samplesFloorMs, TRAFFIC_RATE_DEFAULT } from "./baseline.ts";

export const RECOVERY_DEFAULTS = { deadline: "30s", window: "3s" };
/** The default window is time-scaled like the fault, never below 30 samples (1.5 s at the default 20 req/s) ... */
export const RECOVERY_WINDOW_MIN_SAMPLES = 30;
/** ... and never below this, whatever the rate. */
export const RECOVERY_WINDOW_MIN_MS = 750;

/**
 * A scenario's own window as given; the default one time-scaled, never under RECOVERY_WINDOW_MIN_SAMPLES of the
 * background traffic (at `rate` requests per second) nor under RECOVERY_WINDOW_MIN_MS.
 */
export function recoveryWindowMs(def: FaultScenario | StepsScenario, rate = TRAFFIC_RATE_DEFAULT): number {
  if (def.recovery?.window !== undefined) return parseDuration(def.recovery.window);
  const floor = samplesFloorMs(RECOVERY_WINDOW_MIN_SAMPLES, rate, RECOVERY_WINDOW_MIN_MS);
  return Math.max(floor, scaledDuration(RECOVERY_DEFAULTS.window));
}

export async function measureRecovery(
  def: FaultScenario | StepsScenario,
  o: { traffic: Traffic; revertAt: number; startedAt: number; signal: AbortSignal },
): Promise<RecoveryRecord & { windowMs: number }> {
  const deadlineMs = parseDuration(def.recovery?.deadline ?? RECOVERY_DEFAULTS.deadline);
  const windowMs = recoveryWindowMs(def, o.traffic.options.rate);
  const criterion = { window: windowMs, minSuccessRate: def.recovery?.minSuccessRate ?? MIN_SUCCESS_DEFAULT };
  let ttr: number | null = null;
  while (!o.signal.aborted && Date.now() - o.revertAt < deadlineMs + windowMs) {
    await sleep(100, o.signal);
    // Only finished requests can vouch for recovery: stop at the oldest one still in flight.
    ttr = timeToRecover(columns(o.traffic.samples, o.startedAt), o.revertAt - o.startedAt, {
      ...criterion,
      endMs: o.traffic.settledUntil() - o.startedAt - 1,
    });
    if (ttr !== null && ttr <= deadlineMs) break;
    ttr = null;
  }
  return {
    deadlineMs,
    recovered: ttr !== null,
    timeToRecoverMs: ttr,
    criterion: describeRecoveryCriterion(criterion),
    windowMs,
  };
}

/** Samples as columns, t in ms from the scenario's start, sorted by start. */
export function columns(samples: Sample[], startedAt: number): SampleColumns {
  const sorted = [...samples].sort((a, b) => a.start - b.start);
  const names = Object.keys(sorted.find((s) => s.captures)?.captures ?? {});
  return {
    t: sorted.map((s) => round3(s.start - startedAt)),
    latencyMs: sorted.map((s) => round3(s.latencyMs)),
    status: sorted.map((s) => s.status),
    ok: sorted.map((s) => s.ok),
    ...(names.length
      ? { captures: Object.fromEntries(names.map((n) => [n, sorted.map((s) => s.captures?.[n] ?? null)])) }
      : {}),
    ...(sorted.some((s) => s.stream)
      ? {
          ttftMs: sorted.map((s) => (s.stream?.ttftMs === undefined ? null : round3(s.stream.ttftMs))),
          itlMaxMs: sorted.map((s) => (s.stream?.itlMaxMs === undefined ? null : round3(s.stream.itlMaxMs))),
          tokens: sorted.map((s) => s.stream?.tokens ?? 0),
          cut: sorted.map((s) => s.stream?.cut ?? null),
        }
      : {}),
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
