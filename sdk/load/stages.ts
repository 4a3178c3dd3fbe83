// Stage arithmetic shared by every engine and by the k6 export: what the target is at a given time, how a
// ramp becomes whole-user steps, and when each arrival of a ramping rate is due.
import type { PlannedStage } from "./types.ts";

/** Total length of a stage list, ms. */
export function totalMs(stages: readonly PlannedStage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The (fractional) target at `atMs` from the start: linear inside each stage, as k6's ramping executors. */
export function targetAt(start: number, stages: readonly PlannedStage[], atMs: number): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    if (atMs < t0 + s.durationMs) return from + ((s.target - from) * (atMs - t0)) / s.durationMs;
    t0 += s.durationMs;
    from = s.target;
  }
  return from;
}

/** A span of time with a constant whole number of users. */
export interface Step {
  startMs: number;
  endMs: number;
  users: number;
}

/**
 * Turns stages into constant-user steps. A ramp is cut into at most one step per second (and at least ten
 * steps when it is long enough for 100 ms steps), each with the rounded user count at its midpoint, so a
 * 0→1000 ramp over 5 min moves in 300 steps of about 3 users. Consecutive equal steps are merged.
 */
export function toSteps(start: number, stages: readonly PlannedStage[]): Step[] {
  const steps: Step[] = [];
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    const delta = s.target - from;
    const n =
      delta === 0
        ? 1
        : Math.max(
            1,
            Math.min(
              Math.abs(Math.round(delta)),
              Math.max(Math.ceil(s.durationMs / 1000), Math.min(10, Math.floor(s.durationMs / 100))),
            ),
          );
    for (let i = 0; i < n; i++) {
      const users = Math.round(from + (delta * (i + 0.5)) / n);
      push(steps, { startMs: t0 + (s.durationMs * i) / n, endMs: t0 + (s.durationMs * (i + 1)) / n, users });
    }
    t0 += s.durationMs;
    from = s.target;
  }
  return steps;
}

function push(steps: Step[], step: Step): void {
  const last = steps.at(-1);
  if (last && last.users === step.users) last.endMs = step.endMs;
  else steps.push(step);
}

/** A group of connections that all start and stop together: one autocannon instance. */
export interface Layer {
  startMs: number;
  endMs: number;
  connections: number;
}

/**
 * Decomposes steps into layers (a skyline): users added at a step boundary form a layer that lives until
 * enough users are removed; the newest layers are removed first (LIFO), splitting one when a decrease cuts
 * through it. The number of running connections at any time equals the step's user count.
 */
export function toLayers(steps: readonly Step[]): Layer[] {
  const open: { startMs: number; connections: number }[] = [];
  const done: Layer[] = [];
  let level = 0;
  const close = (count: number, at: number) => {
    let left = count;
    while (left > 0) {
      const top = open.at(-1)!;
      const take = Math.min(top.connections, left);
      if (at > top.startMs) done.push({ startMs: top.startMs, endMs: at, connections: take });
      top.connections -= take;
      if (top.connections === 0) open.pop();
      left -= take;
    }
  };
  for (const s of steps) {
    if (s.users > level) open.push({ startMs: s.startMs, connections: s.users - level });
    else if (s.users < level) close(level - s.users, s.startMs);
    level = s.users;
  }
  close(level, steps.at(-1)?.endMs ?? 0);
  return done.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

/**
 * Arrival times (ms from start) of a ramping rate: the k-th start is due when the integral of the rate
 * reaches k, so starts are evenly paced at a constant rate and follow a ramp smoothly. Lazy, so a long plan
 * at a high rate costs no memory.
 */
export function* arrivals(startRate: number, stages: readonly PlannedStage[]): Generator<number> {
  let from = startRate;
  let t0 = 0;
  let done = 0; // arrivals due before the current stage, as a real number
  let k = 0;
  for (const s of stages) {
    const d = s.durationMs / 1000;
    const r0 = from;
    const r1 = s.target;
    const inStage = ((r0 + r1) / 2) * d;
    // the next arrival number to place is k; it falls in this stage when k < done + inStage
    while (k < done + inStage - 1e-9) {
      const need = k - done;
      yield t0 + solve(r0, r1, d, need) * 1000;
      k++;
    }
    done += inStage;
    t0 += s.durationMs;
    from = s.target;
  }
}

/** Time x in [0, d] s at which r0*x + (r1-r0)*x²/(2d) = n. */
function solve(r0: number, r1: number, d: number, n: number): number {
  const a = (r1 - r0) / (2 * d);
  if (Math.abs(a) < 1e-12) return n / r0;
  const disc = r0 * r0 + 4 * a * n;
  return Math.min(d, Math.max(0, (-r0 + Math.sqrt(Math.max(0, disc))) / (2 * a)));
}
