// A load plan: immutable, validated up front, described in one line. Builders only describe; `run()` hands
// the plan to an engine. Closed model (virtual users, optional think time) and open model (arrival rate)
// share the stage vocabulary of k6's ramping-vus and ramping-arrival-rate executors.
import type { CaptureSpec } from "../core/capture.ts";
import { type Duration, formatDuration, parseDuration } from "../core/duration.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import type { Check, CheckFn } from "./checks.ts";
import { type K6OperatorOptions, toK6OperatorTestRun } from "./k6/k6-operator.ts";
import { type K6ScriptOptions, toK6Script } from "./k6/k6-script.ts";
import { planProblems } from "./plan-problems.ts";
import { DEFAULT_REQUEST, type RequestSpec } from "./request-spec.ts";
import { type ResolvedPlan, resolvePlan } from "./resolve-plan.ts";
import { type RunOptions, runPlan } from "./run.ts";
import type { StreamKind, StreamOptions, StreamSpec } from "./stream/stream-spec.ts";
import type { ThresholdInput, ThresholdMap } from "./thresholds.ts";
import type { LoadModel, LoadResult } from "./types.ts";

/** A stage as users write it: reach `target` (users, or requests/s in the open model) over `duration`. */
export interface StageInput {
  duration: Duration;
  target: number;
}

/** The plain data of a plan. */
export interface PlanState {
  readonly name: string;
  readonly model: LoadModel;
  /** Users (closed) or requests/s (open) at the start. */
  readonly start: number;
  readonly stages: readonly StageInput[];
  readonly thinkTime: Duration;
  readonly request: RequestSpec;
  readonly target?: string;
  readonly checks: readonly Check[];
  readonly thresholds: readonly (readonly [string, ThresholdInput])[];
  /** Open model: most requests in flight before starts are dropped (k6's maxVUs). */
  readonly maxInFlight?: number;
  /** Per-request timeout. */
  readonly timeout: Duration;
  /** How long in-flight requests may finish after the last stage (k6's gracefulStop). */
  readonly gracefulStop: Duration;
  /** Values captured from each response, counted per value (see capture()). */
  readonly capture?: CaptureSpec;
  /** Distinct values counted per capture; later new values count as "(other)". Default 20. */
  readonly maxCaptureValues?: number;
  /** Read each 2xx response as a token stream (see stream()). */
  readonly stream?: StreamSpec;
}

export interface SpikeOptions {
  /** Time to reach the peak (default 10s). */
  rise?: Duration;
  /** Time at the peak (default 1m). */
  hold?: Duration;
  /** Time back to the base (default = rise); 0 to stay at the peak. */
  fall?: Duration;
  /** Time at the base after the fall (default 0). */
  after?: Duration;
}

const DEFAULTS = {
  name: "load",
  thinkTime: 0,
  request: DEFAULT_REQUEST,
  checks: [],
  thresholds: [],
  timeout: "60s",
  gracefulStop: "5s",
} as const;

/** An immutable load plan. Every method returns a new plan. */
export class LoadPlan {
  readonly state: PlanState;

  constructor(state: Partial<PlanState> & Pick<PlanState, "model" | "start" | "stages">) {
    this.state = Object.freeze({ ...DEFAULTS, ...state, stages: Object.freeze([...state.stages]) });
    Object.freeze(this);
  }

  #with(patch: Partial<PlanState>): LoadPlan {
    return new LoadPlan({ ...this.state, ...patch });
  }

  /** The target at the end of the last stage (or the start). */
  get level(): number {
    return this.state.stages.at(-1)?.target ?? this.state.start;
  }

  /** Adds a stage: reach `target` over `duration`, linearly. */
  stage(duration: Duration, target: number): LoadPlan {
    return this.#with({ stages: [...this.state.stages, { duration, target }] });
  }

  /** Ramps from the current level to `target` over `duration`. */
  ramp(target: number, duration: Duration): LoadPlan {
    return this.stage(duration, target);
  }

  /** Stays at the current level for `duration`. */
  hold(duration: Duration): LoadPlan {
    return this.stage(duration, this.level);
  }

  /** From the current level up to `peak` in `rise`, hold, and back down in `fall`. */
  spike(peak: number, o: SpikeOptions = {}): LoadPlan {
    const base = this.level;
    const rise = o.rise ?? "10s";
    const fall = o.fall ?? rise;
    let p = this.stage(rise, peak).stage(o.hold ?? "1m", peak);
    if (!isZero(fall)) p = p.stage(fall, base);
    if (o.after !== undefined && !isZero(o.after)) p = p.stage(o.after, isZero(fall) ? peak : base);
    return p;
  }

  /** Pause of each virtual user between iterations (closed model). */
  thinkTime(duration: Duration): LoadPlan {
    return this.#with({ thinkTime: duration });
  }

  /** True when the plan states no request of its own (it would send the default GET of the target). */
  get usesDefaultRequest(): boolean {
    return this.state.request === DEFAULT_REQUEST;
  }

  /** Base URL of the system under test; the request URL is resolved against it. */
  target(url: string): LoadPlan {
    return this.#with({ target: url });
  }

  /** The request each iteration sends; replaces the default (GET of the target) as a whole. */
  request(spec: RequestSpec): LoadPlan {
    return this.#with({ request: { ...spec } });
  }

  /** A named check on every response, as k6's check(). */
  check(name: string, fn: CheckFn): LoadPlan {
    return this.#with({ checks: [...this.state.checks, { name, fn }] });
  }

  /**
   * Values to capture from each response, counted per value per second and over the run (result.captures):
   * name → "header:<name>", "status", "status-class" or "json:<dotted.path>". At most `maxValues` (default 20)
   * distinct values per capture are kept, later new ones counted as "(other)". Not with the k6 engine.
   */
  capture(spec: CaptureSpec, options: { maxValues?: number } = {}): LoadPlan {
    return this.#with({
      capture: { ...this.state.capture, ...spec },
      ...(options.maxValues !== undefined ? { maxCaptureValues: options.maxValues } : {}),
    });
  }

  /**
   * Reads each 2xx response as a token stream ("sse" events, "ndjson" lines or raw "chunked" reads): time to
   * first token (from the request's start, scheduled in the open model), every gap between tokens, tokens
   * per request, and whether the stream ended properly or was cut (reset, end before done, an error unit, or
   * no token within `interTokenTimeout`). Metrics: time_to_first_token, inter_token_latency,
   * time_per_output_token, output_tokens, streams_cut. Embedded engines only.
   */
  stream(kind: StreamKind, options: StreamOptions = {}): LoadPlan {
    return this.#with({ stream: { ...options, kind } });
  }

  /** Thresholds on one metric, in k6's syntax: `.threshold("http_req_duration", "p(95)<500")`. */
  threshold(metric: string, ...expressions: ThresholdInput[]): LoadPlan {
    const added = expressions.map((e) => [metric, e] as const);
    return this.#with({ thresholds: [...this.state.thresholds, ...added] });
  }

  /** Thresholds as k6's `options.thresholds` map. */
  thresholds(map: ThresholdMap): LoadPlan {
    let p: LoadPlan = this;
    for (const [metric, list] of Object.entries(map)) p = p.threshold(metric, ...(list ?? []));
    return p;
  }

  /** Open model: most requests in flight; further starts are dropped and counted (k6's maxVUs). */
  maxInFlight(n: number): LoadPlan {
    return this.#with({ maxInFlight: n });
  }

  timeout(duration: Duration): LoadPlan {
    return this.#with({ timeout: duration });
  }

  gracefulStop(duration: Duration): LoadPlan {
    return this.#with({ gracefulStop: duration });
  }

  named(name: string): LoadPlan {
    return this.#with({ name });
  }

  /** Every problem with the plan (plus the base URL when given); empty when it can run. */
  problems(options: { baseUrl?: string; needTarget?: boolean } = {}): Problem[] {
    return planProblems(this.state, options);
  }

  /** Throws one ValidationError listing every problem. */
  validate(options: { baseUrl?: string; needTarget?: boolean } = {}): this {
    const problems = this.problems(options);
    if (problems.length > 0) throw new ValidationError(`load plan "${this.state.name}"`, problems);
    return this;
  }

  /** The plan with time scaling applied and everything resolved; validates first. */
  resolve(options: { baseUrl?: string } = {}): ResolvedPlan {
    this.validate({ baseUrl: options.baseUrl, needTarget: true });
    return resolvePlan(this.state, options.baseUrl);
  }

  /** One line for dry runs and reports, in the plan's own (unscaled) durations. */
  describe(): string {
    const s = this.state;
    const unit = s.model === "closed" ? "users" : "req/s";
    const parts = [`${s.start}`];
    let level = s.start;
    for (const st of s.stages) {
      const d = safeFormat(st.duration);
      parts.push(st.target === level ? `hold ${d}` : `→${st.target} in ${d}`);
      level = st.target;
    }
    const total = s.stages.reduce((sum, st) => sum + safeMs(st.duration), 0);
    const req = s.request;
    const what = `${(req.method ?? (req.body === undefined ? "GET" : "POST")).toUpperCase()} ${s.target ?? ""}${req.url ?? "/"}`;
    const extra = [
      s.model === "closed" && safeMs(s.thinkTime) > 0 ? `think ${safeFormat(s.thinkTime)}` : "",
      s.model === "open" && s.maxInFlight ? `max ${s.maxInFlight} in flight` : "",
      s.checks.length ? `${s.checks.length} check${s.checks.length > 1 ? "s" : ""}` : "",
      s.capture ? `capture ${Object.keys(s.capture).join(", ")}` : "",
      s.stream ? `stream ${s.stream.kind}` : "",
      s.thresholds.length
        ? `thresholds ${s.thresholds.map(([m, t]) => `${m} ${typeof t === "string" ? t : t.threshold}`).join(", ")}`
        : "",
    ].filter(Boolean);
    return `${s.name}: ${s.model} model, ${unit} ${parts.join(", ")} (${formatDuration(total)}); ${what}${extra.length ? `; ${extra.join("; ")}` : ""}`;
  }

  /** Runs the plan on an engine and returns its result (throws before any load if the plan is invalid). */
  run(options: RunOptions = {}): Promise<LoadResult> {
    return runPlan(this, options);
  }

  /** A k6 script with the same stages (or arrival-rate scenario), request, checks and thresholds. */
  toK6Script(options: K6ScriptOptions = {}): string {
    return toK6Script(this.resolve({ baseUrl: options.baseUrl }), { ...options, stream: this.state.stream });
  }

  /** A k6-operator ConfigMap + TestRun manifest (YAML) that runs the same script on `parallelism` pods. */
  toK6OperatorTestRun(options: K6OperatorOptions): string {
    return toK6OperatorTestRun(this.resolve({ baseUrl: options.baseUrl }), this.toK6Script(options), options);
  }

  toJSON(): unknown {
    const { checks, stream, ...rest } = this.state;
    return {
      ...rest,
      checks: checks.map((c) => c.name),
      ...(stream ? { stream: { kind: stream.kind, interTokenTimeout: stream.interTokenTimeout } } : {}),
    };
  }
}

function isZero(d: Duration): boolean {
  return safeMs(d) === 0;
}

function safeMs(d: Duration): number {
  try {
    return parseDuration(d);
  } catch {
    return Number.NaN;
  }
}

function safeFormat(d: Duration): string {
  const ms = safeMs(d);
  return Number.isNaN(ms) ? JSON.stringify(d) : formatDuration(ms);
}
