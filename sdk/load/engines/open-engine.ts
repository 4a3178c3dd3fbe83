// The open model (k6's constant- and ramping-arrival-rate): starts follow the schedule whatever the
// responses do. Starts are evenly paced (autocannon's rate sends a second's quota in one burst), latency is
// measured from the scheduled start so a stall shows in every request it delays (as wrk2, so coordinated
// omission cannot hide it), and a start that finds the in-flight cap reached is dropped and counted, as
// k6's dropped_iterations, never queued.
import { capturesNeedBody, capturesNeedHeaders, captureValues } from "../../core/capture.ts";
import { runChecks } from "../checks.ts";
import { errorKind } from "../failure.ts";
import { arrivals } from "../stages.ts";
import { type StreamReply, sendStream, streamErrorKind } from "../stream/stream-call.ts";
import { drain, type EngineContext } from "./engine.ts";
import { createPool, dispatchOptions, type Reply, send } from "./http-client.ts";
import { pace } from "./pacer.ts";

export async function runOpen({ plan, recorder, t0, signal }: EngineContext): Promise<void> {
  const cap = plan.maxUsers;
  const pool = createPool(plan.request.origin, cap, plan.timeoutMs);
  const captures = plan.captures;
  const wantBody = plan.checks.length > 0 || capturesNeedBody(captures);
  const wantHeaders = wantBody || capturesNeedHeaders(captures);
  const opts = dispatchOptions(plan.request);
  const due = arrivals(plan.startTarget, plan.stages);
  let inFlight = 0;
  let cancelled = false;
  const stream = plan.stream;
  const onStream = (start: number, r: StreamReply) => {
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
  };

  const fire = (scheduledMs: number) => {
    const scheduled = t0 + scheduledMs;
    const now = performance.now();
    if (inFlight >= cap) {
      recorder.drop(now);
      return;
    }
    // late starts are timed from their schedule (coordinated omission), early ones from their actual send
    const start = Math.min(scheduled, now);
    recorder.sendLag(Math.abs(now - scheduled));
    inFlight++;
    if (stream) {
      sendStream(pool, opts, stream, recorder, start, wantBody || wantHeaders, (r) => onStream(start, r));
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
        recorder.record(
          start,
          performance.now() - start,
          r.status,
          r.error === undefined ? undefined : errorKind(r.error),
        );
        if (captures.length > 0) recorder.capture(performance.now(), captureValues(captures, r));
        if (plan.checks.length > 0) runChecks(plan.checks, r, recorder);
      },
      wantHeaders,
    );
  };

  await pace(due, fire, { t0, signal });

  // the last start may come before the end of the plan (e.g. a final stage at rate 0)
  const left = t0 + plan.totalMs - performance.now();
  if (left > 0 && !signal.aborted) await drain(() => false, left, signal);
  await drain(() => inFlight === 0, signal.aborted ? 0 : plan.gracefulStopMs, signal);
  cancelled = true;
  await pool.destroy().catch(() => {});
}
