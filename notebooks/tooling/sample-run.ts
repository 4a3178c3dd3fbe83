// A provisional sample run, made of synthetic samples but judged by the real analysis functions, so that the
// notebooks open before any real run. Deterministic (seeded), small (about 60 KB), and shaped exactly like a
// runner's journal: `head` has one failed scenario (slow recovery), `base` is the last good run before it.
import {
  type CheckRecord,
  JOURNAL_SCHEMA,
  type RunJournal,
  type ScenarioResult,
} from "../../sdk/core/journal.ts";
import {
  describeRecoveryCriterion,
  type RecoveryCriterion,
  timeline,
  timeToRecover,
  windowStats,
} from "../../sdk/report/analysis.ts";

export type SampleKind = "head" | "base";

interface Effect {
  /** Extra latency in ms for a request starting at t (ms from the fault's start; the fault lasts FAULT_MS). */
  latency(t: number, rnd: () => number): number;
  /** Probability that the request fails, and the status it then gets. */
  failure(t: number): { p: number; status: number; latencyMs?: number };
}

interface SampleScenario {
  id: string;
  name: string;
  suite: string;
  category: string;
  expected: string;
  fault: { kind: string; description: string; target: string; spec: Record<string, unknown> };
  effect: (kind: SampleKind) => Effect;
  duringCheck: (during: ReturnType<typeof windowStats>) => CheckRecord;
}

const STEADY_MS = 300;
const BASELINE_MS = 10_000;
const FAULT_MS = 10_000;
const RECOVERY_MS = 12_000;
const RATE_PER_S = 20;
const DEADLINE_MS = 5000;
const CRITERION: RecoveryCriterion = { window: 2000, minSuccessRate: 0.99 };

const SCENARIOS: SampleScenario[] = [
  {
    id: "NF-001",
    name: "network partition between client and queen",
    suite: "network",
    category: "network",
    expected: "requests fail fast (no hang) while partitioned; service resumes within 5 s of healing",
    fault: {
      kind: "partition",
      description: "partition client -> queen (timeout toxic, 0 ms)",
      target: "queen",
      spec: { kind: "partition", target: "queen", direction: "downstream" },
    },
    effect: () => ({
      latency: () => 0,
      failure: (t) =>
        t >= 0 && t < FAULT_MS + 600 ? { p: 1, status: 0, latencyMs: 1000 } : { p: 0, status: 0 },
    }),
    duringCheck: (w) => ({
      name: "fails fast during partition",
      ok: (w.p99 ?? 0) <= 1500,
      expected: "p99 <= 1500 ms",
      observed: `p99 ${w.p99?.toFixed(1)} ms`,
    }),
  },
  {
    id: "NF-002",
    name: "500 ms latency with 100 ms jitter on queen",
    suite: "network",
    category: "network",
    expected: "no request fails during the added latency; p95 stays under 1000 ms",
    fault: {
      kind: "latency",
      description: "latency 500ms ±100ms on queen (downstream)",
      target: "queen",
      spec: { kind: "latency", target: "queen", latency: 500, jitter: 100 },
    },
    effect: (kind) => ({
      latency: (t, rnd) =>
        t >= 0 && t < FAULT_MS ? (kind === "head" ? 540 : 500) + (rnd() * 2 - 1) * 100 : 0,
      failure: () => ({ p: 0, status: 0 }),
    }),
    duringCheck: (w) => ({
      name: "p95 during latency",
      ok: (w.p95 ?? 0) < 1000 && w.errorRate < 0.01,
      expected: "p95 < 1000 ms and error rate < 1%",
      observed: `p95 ${w.p95?.toFixed(1)} ms, error rate ${(w.errorRate * 100).toFixed(2)}%`,
    }),
  },
  {
    id: "WC-001",
    name: "worker crash during inference",
    suite: "worker-crash",
    category: "process",
    expected: "in-flight requests fail with 502; hive removes the worker and traffic recovers within 5 s",
    fault: {
      kind: "process-kill",
      description: "SIGKILL worker-1 during inference",
      target: "worker-1",
      spec: { kind: "process-kill", target: "worker-1", signal: "SIGKILL" },
    },
    // head: the hive keeps routing to the dead worker for 7 s after the restart (the regression to find).
    effect: (kind) => {
      const tail = kind === "head" ? 7000 : 1200;
      return {
        latency: (t) => (t >= 0 && t < FAULT_MS + tail ? 40 : 0),
        failure: (t) => (t >= 0 && t < FAULT_MS + tail ? { p: 0.35, status: 502 } : { p: 0, status: 0 }),
      };
    },
    duringCheck: (w) => ({
      name: "errors are 502, not hangs",
      ok: (w.p99 ?? 0) < 2000,
      expected: "p99 < 2000 ms",
      observed: `p99 ${w.p99?.toFixed(1)} ms`,
    }),
  },
];

/** One sample run journal; `kind` picks the failing head or its good base. */
export function sampleRun(kind: SampleKind): RunJournal {
  const rnd = mulberry32(kind === "head" ? 42 : 7);
  const startedAt = Date.UTC(2026, 10, kind === "head" ? 27 : 26, 9, 0, 0);
  let clock = startedAt + 1500;
  const scenarios = SCENARIOS.map((s) => {
    const result = sampleScenario(s, kind, clock, rnd);
    clock = result.endedAt + 500;
    return result;
  });
  return {
    schema: JOURNAL_SCHEMA,
    runId: kind === "head" ? "sample" : "sample-base",
    status: scenarios.every((s) => s.verdict === "passed") ? "passed" : "failed",
    startedAt,
    endedAt: clock,
    options: {
      suites: ["network", "worker-crash"],
      only: [],
      timeScale: 1,
      quick: false,
      dryRun: false,
      strict: false,
      target: "process",
      systemFlags: kind === "head" ? ["slow-worker-eviction"] : [],
      config: "hivestorm.config.ts",
    },
    environment: { node: "v20.20.2", platform: "linux-x64", cpus: 2, memoryBytes: 24 * 1024 ** 3 },
    services: [
      { name: "queen", url: "http://127.0.0.1:8081", proxiedUrl: "http://127.0.0.1:8080" },
      { name: "hive", url: "http://127.0.0.1:9201", proxiedUrl: "http://127.0.0.1:9200" },
      { name: "worker-1", url: "http://127.0.0.1:9301" },
    ],
    scenarios,
    artifacts: [],
  };
}

function sampleScenario(
  s: SampleScenario,
  kind: SampleKind,
  startedAt: number,
  rnd: () => number,
): ScenarioResult {
  const effect = s.effect(kind);
  const faultStart = BASELINE_MS;
  const revertAt = BASELINE_MS + FAULT_MS;
  const total = revertAt + RECOVERY_MS;
  const samples = {
    t: [] as number[],
    latencyMs: [] as number[],
    status: [] as number[],
    ok: [] as boolean[],
  };
  for (let t = STEADY_MS; t < total; t += 1000 / RATE_PER_S) {
    const start = round3(t + rnd() * 8);
    const sinceFault = start - faultStart;
    const failure = effect.failure(sinceFault);
    const fails = rnd() < failure.p;
    const base = 12 + Math.abs(gauss(rnd)) * 6;
    const latency =
      fails && failure.latencyMs !== undefined ? failure.latencyMs : base + effect.latency(sinceFault, rnd);
    samples.t.push(start);
    samples.latencyMs.push(round3(latency));
    samples.status.push(fails ? failure.status : 200);
    samples.ok.push(!fails);
  }
  const ttr = timeToRecover(samples, revertAt, CRITERION);
  const recovered = ttr !== null && ttr <= DEADLINE_MS;
  const afterStart = recovered ? revertAt + ttr : revertAt + DEADLINE_MS;
  const windows = {
    before: windowStats(samples, STEADY_MS, faultStart),
    during: windowStats(samples, faultStart, revertAt),
    after: windowStats(samples, afterStart, afterStart + 2000),
  };
  const checks: CheckRecord[] = [
    {
      name: "steady state before the fault",
      ok: windows.before.errorRate < 0.01,
      expected: "error rate < 1%",
      observed: `error rate ${(windows.before.errorRate * 100).toFixed(2)}%`,
    },
    s.duringCheck(windows.during),
    {
      name: "recovers within deadline",
      ok: recovered,
      expected: `time to recover <= ${DEADLINE_MS} ms`,
      observed: ttr === null ? "never recovered" : `${ttr.toFixed(0)} ms`,
    },
  ];
  const failed = checks.filter((c) => !c.ok);
  const abs = (ms: number) => startedAt + ms;
  return {
    id: s.id,
    name: s.name,
    suite: s.suite,
    category: s.category,
    file: `scenarios/${s.suite}/${s.id.toLowerCase()}.ts`,
    expected: s.expected,
    verdict: failed.length ? "failed" : "passed",
    reason: failed.length
      ? `${failed[0].name}: expected ${failed[0].expected}, observed ${failed[0].observed}`
      : `all ${checks.length} checks held`,
    startedAt,
    endedAt: abs(total),
    phases: [
      { name: "steady-state", start: abs(0), end: abs(STEADY_MS) },
      { name: "baseline", start: abs(STEADY_MS), end: abs(faultStart) },
      { name: "fault", start: abs(faultStart), end: abs(revertAt) },
      { name: "recovery", start: abs(revertAt), end: abs(total) },
    ],
    faults: [{ ...s.fault, appliedAt: abs(faultStart), revertedAt: abs(revertAt) }],
    checks,
    windows,
    recovery: {
      deadlineMs: DEADLINE_MS,
      recovered,
      timeToRecoverMs: recovered ? round3(ttr) : null,
      criterion: describeRecoveryCriterion(CRITERION),
    },
    timeline: timeline(samples, 1000),
    samples,
    notes: ["provisional sample: synthetic traffic, judged by the real analysis functions"],
  };
}

/** JSON with arrays of numbers/booleans on one line each: the samples stay small and diffs stay readable. */
export function compactJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\n\s+([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/,\n\s+/g, ",")}]`)}\n`;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
