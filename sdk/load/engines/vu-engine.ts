// The closed model with think time: virtual users that send, check, pause and loop, on a pooled undici
// client. autocannon cannot pause between requests (a connection sends its next request as soon as a
// response completes), so it cannot model users who think; thousands of mostly idle users cost one timer
// each here, which is how 5000 users with 1 s think time fit on two cores (bench/load.ts).
import { capturesNeedBody, capturesNeedHeaders, captureValues } from "../../core/capture.ts";
import { sleep } from "../../core/sleep.ts";
import { runChecks } from "../checks.ts";
import { errorKind } from "../failure.ts";
import { toSteps } from "../stages.ts";
import { type StreamReply, sendStream, streamErrorKind } from "../stream/stream-call.ts";
import { drain, type EngineContext } from "./engine.ts";
import { createPool, dispatchOptions, type Reply, send } from "./http-client.ts";

interface Vu {
  active: boolean;
  timer?: NodeJS.Timeout;
}

export async function runVus({ plan, recorder, t0, signal }: EngineContext): Promise<void> {
  const pool = createPool(plan.request.origin, plan.maxUsers, plan.timeoutMs);
  const captures = plan.captures;
  const wantBody = plan.checks.length > 0 || capturesNeedBody(captures);
  const wantHeaders = wantBody || capturesNeedHeaders(captures);
  const opts = dispatchOptions(plan.request);
  const vus: Vu[] = [];
  let inFlight = 0;
  let cancelled = false;
  let scheduling = true;
  const stream = plan.stream;
  const onStream = (vu: Vu, start: number, r: StreamReply) => {
    inFlight--;
    if (cancelled) {
      recorder.interrupted(1);
      return;
    }
    recorder.record(
      start,
      performance.now() - start,
      r.status,
      streamErrorKind(r),
      r.streamed ? r : undefined,
    );
    if (captures.length > 0) recorder.capture(performance.now(), captureValues(captures, r));
    if (plan.checks.length > 0) runChecks(plan.checks, r, recorder);
    next(vu);
  };
  const next = (vu: Vu) => {
    if (!vu.active || !scheduling) return;
    if (plan.thinkTimeMs > 0) vu.timer = setTimeout(iterate, plan.thinkTimeMs, vu);
    else setImmediate(iterate, vu);
  };

  const iterate = (vu: Vu) => {
    vu.timer = undefined;
    if (!vu.active || cancelled) return;
    const start = performance.now();
    inFlight++;
    if (stream) {
      sendStream(pool, opts, stream, recorder, start, wantBody || wantHeaders, (r) => onStream(vu, start, r));
      return;
    }
    send(
      pool,
      opts,
      wantBody,
      (r: Reply) => {
        inFlight--;
        if (cancelled) {
          recorder.interrupted(1);
          return;
        }
        const latency = performance.now() - start;
        recorder.record(start, latency, r.status, r.error === undefined ? undefined : errorKind(r.error));
        if (captures.length > 0) recorder.capture(performance.now(), captureValues(captures, r));
        if (plan.checks.length > 0) runChecks(plan.checks, r, recorder);
        if (!vu.active || !scheduling) return;
        if (plan.thinkTimeMs > 0) vu.timer = setTimeout(iterate, plan.thinkTimeMs, vu);
        else setImmediate(iterate, vu);
      },
      wantHeaders,
    );
  };

  const stopVu = (vu: Vu) => {
    vu.active = false;
    if (vu.timer) clearTimeout(vu.timer);
    vu.timer = undefined;
  };

  // New users of a step start spread over the step (at most 1 s), as k6 starts them along the ramp line,
  // instead of all in the same millisecond.
  const setUsers = (n: number, spreadMs: number) => {
    const live = vus.filter((v) => v.active);
    for (let i = live.length - 1; i >= n; i--) stopVu(live[i]);
    const add = n - live.length;
    for (let j = 0; j < add; j++) {
      const vu: Vu = { active: true };
      vus.push(vu);
      vu.timer = setTimeout(iterate, (j * spreadMs) / add, vu);
    }
  };

  const steps = toSteps(plan.startTarget, plan.stages);
  for (const step of steps) {
    const wait = t0 + step.startMs - performance.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) break;
    setUsers(step.users, Math.min(1000, step.endMs - step.startMs));
  }
  const left = t0 + plan.totalMs - performance.now();
  if (left > 0) await sleep(left, signal);
  scheduling = false;
  for (const vu of vus) stopVu(vu);
  await drain(() => inFlight === 0, signal.aborted ? 0 : plan.gracefulStopMs, signal);
  cancelled = true;
  await pool.destroy().catch(() => {});
}
