// Runs a plan: validate, refuse non-loopback targets, pick the engine, tick the timeline, evaluate
// thresholds (abortOnFail every 2 s, as k6 locally), bound the run in time, and build the plain result.

import { sortByCount } from "../core/capture.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import { assertLoopback } from "../core/loopback.ts";
import { runAutocannon } from "./engines/autocannon-engine.ts";
import type { Engine } from "./engines/engine.ts";
import { runOpen } from "./engines/open-engine.ts";
import { runVus } from "./engines/vu-engine.ts";
import { encodeHistogram, summarize } from "./histogram.ts";
import { runK6 } from "./k6/k6-engine.ts";
import type { LoadPlan } from "./plan.ts";
import { Recorder } from "./recorder.ts";
import type { ResolvedPlan } from "./resolve-plan.ts";
import { targetAt } from "./stages.ts";
import { evaluateThresholds } from "./thresholds.ts";
import type { EngineName, LoadResult, LoadSample, RequestRecord } from "./types.ts";

export interface RunOptions {
  /** Base URL of the system under test (overrides plan.target()). */
  baseUrl?: string;
  /** Default: "open" for the open model, "vus" for users with think time, else "autocannon". */
  engine?: EngineName;
  signal?: AbortSignal;
  /** Once per second, for live progress. */
  onSample?: (s: LoadSample) => void;
  /** Every request, for exact before/during/after windows. */
  onRequest?: (r: RequestRecord) => void;
  /** Send traffic outside 127.0.0.0/8 / ::1 / localhost. Off unless set explicitly. */
  allowNonLoopback?: boolean;
  /** k6 engine only: the binary to run (default "k6" on PATH). */
  k6Binary?: string;
}

const ENGINES: Readonly<Record<Exclude<EngineName, "k6">, Engine>> = {
  autocannon: runAutocannon,
  vus: runVus,
  open: runOpen,
};

const THRESHOLD_EVERY_MS = 2000;
/** Beyond the plan and its graceful stop, how long engines get before they are cut off. */
const DEADLINE_SLACK_MS = 2000;

export function defaultEngine(plan: ResolvedPlan): EngineName {
  if (plan.model === "open") return "open";
  return plan.thinkTimeMs > 0 || plan.stream ? "vus" : "autocannon";
}

export function engineProblems(plan: ResolvedPlan, engine: unknown): Problem[] {
  if (plan.stream && (engine === "k6" || engine === "autocannon"))
    return [
      {
        path: "engine",
        message: `the ${engine} engine cannot time the tokens of a stream: use engine "vus" (closed model) or "open"`,
      },
    ];
  if (engine === "k6" && plan.captures.length > 0)
    return [
      {
        path: "engine",
        message: "the k6 engine does not capture response values: use an embedded engine, or drop capture()",
      },
    ];
  if (engine !== "k6" && !Object.hasOwn(ENGINES, engine as string)) {
    return [
      {
        path: "engine",
        message: `unknown engine ${JSON.stringify(engine)}; use autocannon, vus, open or k6`,
      },
    ];
  }
  if (engine === "autocannon" && (plan.model !== "closed" || plan.thinkTimeMs > 0)) {
    return [
      {
        path: "engine",
        message:
          plan.model === "open"
            ? 'autocannon has no paced arrival rate (its rate limiter is bursty): use engine "open"'
            : 'autocannon cannot pause between requests: with a think time use engine "vus" (the default)',
      },
    ];
  }
  if ((engine === "vus" && plan.model !== "closed") || (engine === "open" && plan.model !== "open")) {
    return [
      { path: "engine", message: `engine ${JSON.stringify(engine)} does not run the ${plan.model} model` },
    ];
  }
  return [];
}

export async function runPlan(plan: LoadPlan, options: RunOptions): Promise<LoadResult> {
  const resolved = plan.resolve({ baseUrl: options.baseUrl });
  const engine = options.engine ?? defaultEngine(resolved);
  const problems = engineProblems(resolved, engine);
  if (problems.length > 0)
    throw new ValidationError(`run options for load plan "${resolved.name}"`, problems);
  assertLoopback(resolved.request.url, {
    allow: options.allowNonLoopback === true,
    optIn: "pass { allowNonLoopback: true } to plan.run()",
  });
  if (engine === "k6")
    return runK6(resolved, plan.describe(), plan.toK6Script({ baseUrl: options.baseUrl }), options);

  const t0 = performance.now();
  const startedAt = Date.now();
  const recorder = new Recorder({
    t0,
    model: resolved.model,
    plannedAt: (ms) => targetAt(resolved.startTarget, resolved.stages, ms),
    onSample: options.onSample,
    onRequest: options.onRequest,
    onCallbackError: (err) => abort(`a run callback threw${reasonText(err)}`),
    maxCaptureValues: resolved.maxCaptureValues,
    streaming: resolved.stream !== undefined,
  });
  const stop = new AbortController();
  let abortReason: string | undefined;
  const abort = (reason: string) => {
    if (stop.signal.aborted) return;
    abortReason = reason;
    stop.abort(reason);
  };
  const onUserAbort = () => abort(`aborted by the caller${reasonText(options.signal?.reason)}`);
  if (options.signal?.aborted) onUserAbort();
  options.signal?.addEventListener("abort", onUserAbort, { once: true });

  // for abortOnFail checks: thresholds read the live histogram, so the encoded one is left empty
  const partial = (elapsedMs: number): LoadResult =>
    buildResult(resolved, engine, plan.describe(), recorder, startedAt, elapsedMs, false);
  const liveTokens = recorder.stream
    ? { ttft: recorder.stream.ttft, itl: recorder.stream.itl, tpot: recorder.stream.tpot }
    : undefined;
  const ticker = setInterval(() => recorder.tick(performance.now()), 1000);
  const watchAborts = resolved.thresholds.filter((t) => t.abortOnFail);
  const watcher =
    watchAborts.length > 0
      ? setInterval(() => {
          const elapsed = performance.now() - t0;
          const due = watchAborts.filter((t) => elapsed >= t.delayAbortEvalMs);
          if (due.length === 0) return;
          const failed = evaluateThresholds(due, partial(elapsed), recorder.histogram, liveTokens).find(
            (v) => !v.ok,
          );
          if (failed)
            abort(`threshold ${failed.metric} ${failed.expression} failed (abortOnFail) at ${failed.value}`);
        }, THRESHOLD_EVERY_MS)
      : undefined;
  const deadline = setTimeout(
    () => abort("deadline: the engine did not finish within the plan, graceful stop and slack"),
    resolved.totalMs + resolved.gracefulStopMs + DEADLINE_SLACK_MS,
  );
  try {
    await ENGINES[engine as Exclude<EngineName, "k6">]({ plan: resolved, recorder, t0, signal: stop.signal });
  } finally {
    clearInterval(ticker);
    if (watcher) clearInterval(watcher);
    clearTimeout(deadline);
    options.signal?.removeEventListener("abort", onUserAbort);
  }
  const elapsed = recorder.finish(performance.now());
  const result = buildResult(resolved, engine, plan.describe(), recorder, startedAt, elapsed);
  result.thresholds = evaluateThresholds(resolved.thresholds, result, recorder.histogram, liveTokens);
  result.thresholdsFailed = result.thresholds.some((t) => !t.ok);
  if (abortReason !== undefined) {
    result.aborted = true;
    result.abortReason = abortReason;
  }
  recorder.destroy();
  return result;
}

function buildResult(
  plan: ResolvedPlan,
  engine: EngineName,
  description: string,
  recorder: Recorder,
  startedAt: number,
  elapsedMs: number,
  encode = true,
): LoadResult {
  const totals = recorder.snapshotTotals();
  return {
    engine,
    model: plan.model,
    description,
    startedAt,
    endedAt: startedAt + Math.round(elapsedMs),
    startTarget: plan.startTarget,
    stages: plan.stages.map((s) => ({ ...s })),
    maxUsers: plan.maxUsers,
    totals,
    latency: summarize(recorder.histogram),
    throughput: elapsedMs > 0 ? totals.requests / (elapsedMs / 1000) : 0,
    droppedIterations: recorder.dropped,
    timeline: recorder.timeline.map((s) => ({ ...s })),
    histogram: encode
      ? encodeHistogram(recorder.histogram)
      : { unit: "us", encoding: "hdr-compressed-base64", data: "" },
    ...(plan.model === "open" ? { sendLag: summarize(recorder.lag) } : {}),
    ...(Object.keys(recorder.engineStats).length > 0 ? { engineStats: { ...recorder.engineStats } } : {}),
    thresholds: [],
    thresholdsFailed: false,
    aborted: false,
    ...(plan.captures.length > 0 ? { captures: sortedCounts(recorder.captures) } : {}),
    ...(recorder.stream ? { streams: recorder.stream.totals(elapsedMs, encode) } : {}),
  };
}

function sortedCounts(c: Record<string, Record<string, number>>): Record<string, Record<string, number>> {
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, sortByCount(v)]));
}

function reasonText(reason: unknown): string {
  if (reason === undefined) return "";
  if (reason instanceof Error) return `: ${reason.message}`;
  return `: ${String(reason)}`;
}
