// Realistic journals for the report tests: deterministic samples shaped like a chaos run (baseline, fault,
// recovery), plus failed, skipped, errored and load scenarios. The windows, timeline and recovery are filled
// with the analysis functions, as the runner does.
import type { RunJournal, SampleColumns, ScenarioResult } from "../../sdk/core/journal.ts";
import { JOURNAL_SCHEMA } from "../../sdk/core/journal.ts";
import {
  describeRecoveryCriterion,
  timeline,
  timeToRecover,
  windowStats,
} from "../../sdk/report/analysis.ts";

export const T0 = 1_790_000_000_000;

export interface ChaosShape {
  id?: string;
  /** ms of each phase; requests every `stepMs`. */
  baselineMs?: number;
  faultMs?: number;
  recoveryMs?: number;
  stepMs?: number;
  /** ms after the revert during which requests still fail. */
  lingerMs?: number;
  startedAt?: number;
}

/** Samples: baseline latency 10..19 ms, fault 500..509 ms with every 5th request failing (status 0), a linger
 * after the revert where every other request gets 503, then healthy again. */
export function chaosSamples(shape: Required<Omit<ChaosShape, "id" | "startedAt">>): SampleColumns {
  const { baselineMs, faultMs, recoveryMs, stepMs, lingerMs } = shape;
  const s: SampleColumns = { t: [], latencyMs: [], status: [], ok: [] };
  const end = baselineMs + faultMs + recoveryMs;
  for (let i = 0, t = 0; t < end; i++, t += stepMs) {
    let latency = 10 + (i % 10);
    let status = 200;
    if (t >= baselineMs && t < baselineMs + faultMs) {
      latency = 500 + (i % 10);
      if (i % 5 === 0) status = 0;
    } else if (t >= baselineMs + faultMs && t < baselineMs + faultMs + lingerMs && i % 2 === 0) status = 503;
    s.t.push(t);
    s.latencyMs.push(latency);
    s.status.push(status);
    s.ok.push(status === 200);
  }
  return s;
}

export function chaosScenario(shape: ChaosShape = {}): ScenarioResult {
  const full = {
    baselineMs: shape.baselineMs ?? 10_000,
    faultMs: shape.faultMs ?? 10_000,
    recoveryMs: shape.recoveryMs ?? 10_000,
    stepMs: shape.stepMs ?? 100,
    lingerMs: shape.lingerMs ?? 2_000,
  };
  const startedAt = shape.startedAt ?? T0;
  const samples = chaosSamples(full);
  const faultStart = full.baselineMs;
  const faultEnd = faultStart + full.faultMs;
  const end = faultEnd + full.recoveryMs;
  const criterion = { window: 2000, minSuccessRate: 0.99 };
  const ttr = timeToRecover(samples, faultEnd, criterion);
  return {
    id: shape.id ?? "NF-002",
    name: "Network latency 500 ms + jitter",
    suite: "network",
    category: "network-fault",
    file: "scenarios/network/nf-002-latency.ts",
    expected:
      "Requests slow down but succeed; the queen keeps serving & recovers within 10 s <after> the revert.",
    verdict: "passed",
    reason: "every check passed",
    startedAt,
    endedAt: startedAt + end,
    // Phase and fault times are ms from startedAt, as the runner writes them.
    phases: [
      { name: "baseline", start: 0, end: faultStart },
      { name: "fault", start: faultStart, end: faultEnd },
      { name: "recovery", start: faultEnd, end },
    ],
    faults: [
      {
        kind: "latency",
        description: "latency 500ms ± 100ms on queen",
        target: "queen (toxiproxy :8080)",
        appliedAt: faultStart,
        revertedAt: faultEnd,
        spec: { latency: 500, jitter: 100 },
      },
    ],
    checks: [
      { name: "p95 during fault", ok: true, expected: "< 2000 ms", observed: "509 ms" },
      { name: "recovered", ok: true, expected: "within 10 s", observed: `${ttr} ms` },
    ],
    windows: {
      before: windowStats(samples, 0, faultStart),
      during: windowStats(samples, faultStart, faultEnd),
      after: windowStats(samples, faultEnd, end),
    },
    recovery: {
      deadlineMs: 10_000,
      recovered: ttr !== null && ttr <= 10_000,
      timeToRecoverMs: ttr,
      criterion: describeRecoveryCriterion(criterion),
    },
    timeline: timeline(samples, 1000, { start: 0, end }),
    samples,
    notes: ["latency injected by the embedded Toxiproxy"],
  };
}

export function failedScenario(): ScenarioResult {
  const s = chaosScenario({ id: "WC-001", lingerMs: 10_000, startedAt: T0 + 40_000 });
  return {
    ...s,
    name: "Worker crash during inference",
    suite: "worker-crash",
    category: "process-fault",
    file: "scenarios/worker-crash/wc-001.ts",
    expected: "The hive evicts the dead worker and retries the request on another one.",
    verdict: "failed",
    reason: "recovered: expected within 5 s, observed never (errors until the end)",
    faults: s.faults.map((f) => ({
      ...f,
      kind: "kill",
      description: "SIGKILL worker-1",
      target: "worker-1",
    })),
    checks: [
      { name: "no 5xx after eviction", ok: false, expected: "0 responses with 5xx", observed: "50 × 503" },
      { name: "hive alive", ok: true, expected: "GET /health → 200", observed: "200" },
    ],
    recovery: { ...s.recovery!, deadlineMs: 5000, recovered: false, timeToRecoverMs: null },
    notes: [],
  };
}

export function skippedScenario(): ScenarioResult {
  return {
    id: "RE-005",
    name: "VRAM exhaustion",
    suite: "resource",
    category: "resource-exhaustion",
    file: "scenarios/resource/re-005-vram.ts",
    expected: "Workers refuse new models with 507 when VRAM is full.",
    verdict: "skipped",
    reason: "no GPU on this machine",
    enable: "run on a machine with an NVIDIA GPU and pass --suites resource",
    startedAt: T0 + 80_000,
    endedAt: T0 + 80_000,
    phases: [],
    faults: [],
    checks: [],
    windows: {},
    timeline: [],
    notes: [],
  };
}

export function erroredScenario(): ScenarioResult {
  return {
    ...skippedScenario(),
    id: "RE-001",
    name: "Disk full",
    expected: "The hive answers 507 Insufficient Storage and keeps serving.",
    verdict: "error",
    reason: 'FaultError: could not mount tmpfs: "permission denied" <EPERM> & more',
    enable: undefined,
    endedAt: T0 + 81_500,
  };
}

/** A load result shaped like sdk/load's LoadResult. */
export function loadResult(): Record<string, unknown> {
  const timeline = Array.from({ length: 10 }, (_, k) => ({
    t: k,
    users: Math.min(100, k * 20),
    requests: 100 + k * 10,
    errors: k === 7 ? 3 : 0,
    rps: 100 + k * 10,
    p50: 12 + k,
    p95: 40 + k * 2,
    p99: 80 + k * 3,
  }));
  return {
    engine: "autocannon",
    model: "closed",
    description: "closed model: ramp 0 → 100 users in 5s, hold 5s",
    startedAt: T0 + 90_000,
    endedAt: T0 + 100_000,
    totals: {
      requests: 1450,
      ok: 1447,
      failed: 3,
      byStatus: { "200": 1447, "503": 2 },
      byKind: { timeout: 1 },
      checks: { passes: 1440, fails: 7 },
      interrupted: 0,
    },
    latency: {
      count: 1450,
      min: 2.5,
      mean: 20.25,
      stdev: 9,
      p50: 15.5,
      p90: 44,
      p95: 52.125,
      p99: 99.5,
      p999: 180,
      max: 240.75,
    },
    throughput: 145,
    droppedIterations: 0,
    timeline,
    thresholds: [
      { metric: "http_req_duration", expression: "p(95)<500", ok: true, value: 52.125, abortOnFail: false },
      { metric: "http_req_failed", expression: "rate<0.001", ok: false, value: 0.00207, abortOnFail: false },
    ],
    aborted: false,
  };
}

export function loadScenario(): ScenarioResult {
  return {
    ...skippedScenario(),
    id: "LOAD-inference",
    name: "Inference load: ramp to 100 users",
    suite: "load",
    category: "load",
    file: "scenarios/load/inference.ts",
    expected: "error rate < 0.1%, p95 < 500 ms",
    verdict: "failed",
    reason: "threshold http_req_failed rate<0.001 failed (0.00207)",
    enable: undefined,
    startedAt: T0 + 90_000,
    endedAt: T0 + 100_000,
    phases: [{ name: "load", start: 0, end: 10_000 }],
    checks: [
      {
        name: "load thresholds",
        ok: false,
        expected: "http_req_duration p(95)<500, http_req_failed rate<0.001",
        observed: "failed: http_req_failed rate<0.001 (0.002)",
      },
    ],
    load: loadResult(),
  };
}

export function buildJournal(scenarios?: ScenarioResult[], runId = "2026-11-27T10-00-00Z"): RunJournal {
  return {
    schema: JOURNAL_SCHEMA,
    runId,
    status: "failed",
    startedAt: T0 - 1000,
    endedAt: T0 + 101_000,
    options: {
      suites: ["network", "worker-crash", "resource", "load"],
      only: [],
      timeScale: 0.1,
      quick: true,
      dryRun: false,
      strict: false,
      target: "process",
      systemFlags: [],
      config: "hivestorm.config.ts",
    },
    environment: { node: "v20.20.2", platform: "linux x64", cpus: 2, memoryBytes: 4 * 1024 ** 3 },
    services: [
      { name: "queen", url: "http://127.0.0.1:8081", pid: 101, proxiedUrl: "http://127.0.0.1:8080" },
      { name: "hive", url: "http://127.0.0.1:9201", pid: 102 },
    ],
    scenarios: scenarios ?? [
      chaosScenario(),
      failedScenario(),
      skippedScenario(),
      erroredScenario(),
      loadScenario(),
    ],
    artifacts: ["run.log"],
  };
}
