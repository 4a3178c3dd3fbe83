// The closed model without think time, on autocannon (the engine the user chose), minus its pitfalls
// (docs/load.md, "The autocannon pitfalls avoided"):
// - no ramping: the stages become whole-user steps, the steps a skyline of layers, and each layer one
//   autocannon instance started and stopped on our own clock;
// - stop() only lands at the next sampleInt tick: sampleInt is 100 ms, not 1 s;
// - whole-millisecond latencies (p50 = 0 on loopback): the float responseTime of every `response` event is
//   recorded into our own µs histogram, one for all instances, so nothing needs merging afterwards and
//   aggregateResult (which zeroes the per-second stats) is never called;
// - no rate options, so neither the bursty limiter nor the broken coordinated-omission correction applies;
// - no workers: their instances emit no events and never finish after stop();
// - non2xx counts 3xx as failures: statuses are classified by k6's rule in the recorder;
// - no p95 and a 1 s sample histogram: percentiles and the timeline come from our recorder.
// Like wrk, autocannon times a request written on a fresh socket from before the connect.
import autocannon from "autocannon";
import * as hdr from "hdr-histogram-js";
import { captureValues } from "../../core/capture.ts";
import { sleep } from "../../core/sleep.ts";
import { type CheckResponse, runChecks } from "../checks.ts";
import { errorKind } from "../failure.ts";
import { type Layer, toLayers, toSteps } from "../stages.ts";
import { drain, type EngineContext } from "./engine.ts";

const SAMPLE_INT_MS = 100;

interface RawResult {
  totalRequests?: number;
  totalCompletedRequests?: number;
  /** autocannon's own latency HdrHistogram (whole ms), compressed base64. */
  latencies?: string;
}

export async function runAutocannon(ctx: EngineContext): Promise<void> {
  const { plan, t0, signal } = ctx;
  const layers = toLayers(toSteps(plan.startTarget, plan.stages));
  const running = new Set<autocannon.Instance>();
  const finished: Promise<RawResult | undefined>[] = [];
  let recorded = 0;
  const count = () => {
    recorded++;
  };
  for (const layer of layers) {
    const wait = t0 + layer.startMs - performance.now();
    if (wait > 0) await sleep(wait, signal);
    if (signal.aborted) break;
    finished.push(startLayer(ctx, layer, running, count));
  }
  const left = t0 + plan.totalMs - performance.now();
  if (left > 0) await sleep(left, signal);
  for (const i of running) i.stop();
  await drain(
    () => running.size === 0,
    signal.aborted ? SAMPLE_INT_MS * 3 : plan.gracefulStopMs + SAMPLE_INT_MS * 3,
    signal,
  );
  const raws = await Promise.race([
    Promise.all(finished),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), SAMPLE_INT_MS * 3).unref()),
  ]);
  const done = (raws ?? []).filter((r): r is RawResult => r !== undefined);
  const sent = done.reduce((sum, r) => sum + (r.totalRequests ?? 0), 0);
  // written but never answered when the instances were stopped
  ctx.recorder.interrupted(Math.max(0, sent - recorded));
  // autocannon's own histograms, merged bucket by bucket: a cross-check of our recording (same count),
  // not the source of the percentiles (they are whole milliseconds)
  const merged = mergeRawLatencies(done);
  Object.assign(ctx.recorder.engineStats, {
    instances: finished.length,
    sent,
    rawHistogramCount: merged.count,
    rawP99Ms: merged.p99,
  });
}

function mergeRawLatencies(raws: readonly RawResult[]): { count: number; p99: number } {
  const total = hdr.build({ useWebAssembly: false });
  for (const r of raws) {
    if (!r.latencies) continue;
    const h = hdr.decodeFromCompressedBase64(r.latencies, 32, false);
    total.add(h);
    h.destroy();
  }
  const out = { count: total.totalCount, p99: total.totalCount ? total.getValueAtPercentile(99) : 0 };
  total.destroy();
  return out;
}

function startLayer(
  { plan, recorder, t0 }: EngineContext,
  layer: Layer,
  running: Set<autocannon.Instance>,
  count: () => void,
): Promise<RawResult | undefined> {
  const req = plan.request;
  const checks = plan.checks;
  const request: Record<string, unknown> = {
    method: req.method,
    path: req.path,
    headers: req.headers,
    ...(req.body === undefined ? {} : { body: req.body }),
  };
  const captures = plan.captures;
  if (checks.length > 0 || captures.length > 0) {
    request.onResponse = (status: number, body: string, _ctx: unknown, headers: CheckResponse["headers"]) => {
      const res = { status, body: body ?? "", headers: headers ?? {} };
      if (captures.length > 0) recorder.capture(performance.now(), captureValues(captures, res));
      if (checks.length > 0) runChecks(checks, res, recorder);
    };
  }
  const lengthMs = layer.endMs - layer.startMs;
  let settle: (raw?: RawResult) => void = () => {};
  const instance = autocannon(
    {
      url: req.origin,
      connections: layer.connections,
      // a safety net only: the layer is stopped on our clock at layer.endMs
      duration: (lengthMs + plan.gracefulStopMs) / 1000 + 1,
      sampleInt: SAMPLE_INT_MS,
      timeout: plan.timeoutMs / 1000,
      requests: [request],
      skipAggregateResult: true,
    } as autocannon.Options,
    (err: Error | null, raw: unknown) => settle(err ? undefined : (raw as RawResult)),
  );
  running.add(instance);
  instance.on("response", (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    const now = performance.now();
    count();
    recorder.record(now - responseTime, responseTime, status);
  });
  instance.on("reqError", (err: Error) => {
    const now = performance.now();
    const kind = errorKind(err);
    const latency = kind === "timeout" ? plan.timeoutMs : 0;
    count();
    recorder.record(now - latency, latency, 0, kind);
    if (captures.length > 0) recorder.capture(now, captureValues(captures, { status: 0 }));
    if (checks.length > 0) runChecks(checks, { status: 0, body: "", headers: {} }, recorder);
  });
  const stopAt = t0 + layer.endMs;
  const timer = setTimeout(() => instance.stop(), Math.max(0, stopAt - performance.now()));
  return new Promise((resolve) => {
    settle = (raw?: RawResult) => {
      clearTimeout(timer);
      running.delete(instance);
      resolve(raw);
    };
  });
}
