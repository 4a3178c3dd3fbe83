// Runs one scenario: requirements, steady state, baseline, fault, revert, recovery, judgement. Whatever happens,
// every fault it applied is reverted before it returns, and the result says why it got its verdict.
import type { ChaosContext } from "../chaos/context.ts";
import { applyFault, type FaultHandle, type FaultSpec } from "../chaos/fault.ts";
import { type Duration, parseDuration, scaledDuration } from "../core/duration.ts";
import type { FaultRecord, PhaseRecord, SampleColumns, ScenarioResult, Verdict } from "../core/journal.ts";
import { describeRecoveryCriterion, timeline, timeToRecover, windowStats } from "../report/analysis.ts";
import { probeHealth } from "../system/health.ts";
import type { Observations } from "./expect.ts";
import type { ScenarioDefinition } from "./scenario.ts";
import type { ScenarioContext, SystemHandle } from "./scenario-context.ts";
import { type Sample, sendOnce, Traffic, trafficRequest } from "./traffic.ts";

export interface RunScenarioOptions {
  system: SystemHandle;
  chaos: ChaosContext;
  file: string;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Live progress: the current phase and the traffic's last second. */
  onPhase?: (phase: string) => void;
  onTraffic?: (stats: { rps: number; errors: number }) => void;
}

const DEFAULTS = { baseline: "5s", duration: "20s", deadline: "30s", window: "3s", minSuccessRate: 0.99 };

export async function runScenario(def: ScenarioDefinition, o: RunScenarioOptions): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const phases: PhaseRecord[] = [];
  const faults: FaultRecord[] = [];
  const notes: string[] = [];
  const data: Record<string, unknown> = {};
  const handles: FaultHandle[] = [];
  let load: unknown;
  let traffic: Traffic | undefined;
  let progressTimer: NodeJS.Timeout | undefined;
  const base = {
    id: def.id,
    name: def.name,
    suite: def.suite,
    category: def.category,
    file: o.file,
    expected: def.expected,
    startedAt,
  };
  const finish = (verdict: Verdict, reason: string, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
    ...base,
    verdict,
    reason,
    endedAt: Date.now(),
    phases,
    faults,
    checks: [],
    windows: {},
    timeline: [],
    notes,
    ...(load === undefined ? {} : { load }),
    ...extra,
  });
  let phaseStart = startedAt;
  let phaseName = "";
  const phase = (name: string) => {
    const now = Date.now();
    if (phaseName) phases.push({ name: phaseName, start: phaseStart - startedAt, end: now - startedAt });
    phaseName = name;
    phaseStart = now;
    if (name) o.onPhase?.(name);
  };

  const onApplied = ({ spec, appliedAt }: { spec: FaultSpec; appliedAt: number }) => {
    faults.push({
      kind: spec.kind,
      description: spec.describe(),
      target: spec.target(),
      appliedAt: appliedAt - startedAt,
      spec: spec.toJSON(),
    });
    o.log(`${def.id}: applied ${spec.describe()}`);
  };
  const onReverted = ({
    spec,
    appliedAt,
    revertedAt,
  }: {
    spec: FaultSpec;
    appliedAt: number;
    revertedAt: number;
  }) => {
    const f = faults.find(
      (x) =>
        x.appliedAt === appliedAt - startedAt &&
        x.description === spec.describe() &&
        x.revertedAt === undefined,
    );
    if (f) f.revertedAt = revertedAt - startedAt;
    o.log(`${def.id}: reverted ${spec.describe()}`);
  };
  o.chaos.events.on("applied", onApplied);
  o.chaos.events.on("reverted", onReverted);

  const ctx: ScenarioContext = {
    scenario: def,
    system: o.system,
    chaos: o.chaos,
    signal: o.signal,
    apply: async (spec) => {
      const h = await applyFault(spec, o.chaos);
      handles.push(h);
      return h;
    },
    sleep: (d: Duration) => abortableSleep(scaledDuration(d), o.signal),
    hold: () => abortableSleep(faultDurationMs(def), o.signal),
    log: (m) => o.log(`${def.id}: ${m}`),
    note: (t) => notes.push(t),
    record: (k, v) => {
      data[k] = v;
    },
    setLoad: (r) => {
      load = r;
      data.load = r;
    },
    progress: (rps, errors) => o.onTraffic?.({ rps, errors }),
  };

  try {
    // 1. Requirements: a missing tool or privilege is a skip with its reason, never a run against the host.
    for (const req of def.requires ?? []) {
      const missing = await req.check(ctx);
      if (missing) return finish("skipped", missing, { enable: req.enable });
    }
    if (!def.expect?.length && !def.run)
      return finish("error", "the scenario declares no checks: a scenario that only ran has not passed");

    // 2. Steady state: every service healthy before anything is applied.
    phase("steady-state");
    const unhealthy = await waitHealthy(o.system, 20_000, o.signal);
    if (unhealthy) return finish("error", `system not in steady state before the fault: ${unhealthy}`);

    if (def.run) {
      phase("load");
      await def.run(ctx);
      phase("");
      return judge(def, { finish, samples: emptyColumns(), data, faults, windows: {} });
    }

    // 3. Baseline under background traffic.
    const t = o.system.definition.traffic;
    traffic = new Traffic(trafficRequest(o.system.definition), {
      rate: def.trafficRate ?? t.rate ?? 20,
      timeoutMs: parseDuration(t.timeout ?? "10s"),
    });
    traffic.start();
    let lastCount = 0;
    progressTimer = setInterval(() => {
      const s = traffic!.samples;
      const recent = s.slice(lastCount);
      lastCount = s.length;
      o.onTraffic?.({ rps: recent.length, errors: recent.filter((x) => !x.ok).length });
    }, 1000);
    phase("baseline");
    const baselineMs = Math.max(2000, scaledDuration(def.baseline ?? DEFAULTS.baseline));
    await abortableSleep(baselineMs, o.signal);
    const baselineStats = stats(traffic.between(startedAt, Date.now()));
    const minSuccessRate = def.recovery?.minSuccessRate ?? DEFAULTS.minSuccessRate;
    if (baselineStats.requests < 3 || baselineStats.ok / baselineStats.requests < minSuccessRate) {
      await traffic.stop();
      const cols = columns(traffic.samples, startedAt);
      return finish(
        "error",
        `system not in steady state before the fault: baseline success ${baselineStats.ok}/${baselineStats.requests} (needs ${minSuccessRate * 100}%)`,
        { samples: cols, timeline: timeline(cols, 1000) },
      );
    }

    // 4. The fault window.
    phase("fault");
    const faultStart = Date.now();
    if (def.during) await def.during(ctx);
    else {
      for (const spec of toArray(def.fault)) await ctx.apply(spec);
      await abortableSleep(faultDurationMs(def), o.signal);
    }
    for (const h of handles) await h.revert();
    const revertAt = Date.now();

    // 5. Recovery: sample until the steady state holds again over a window, or the deadline passes.
    phase("recovery");
    const deadlineMs = parseDuration(def.recovery?.deadline ?? DEFAULTS.deadline);
    const windowMs = parseDuration(def.recovery?.window ?? DEFAULTS.window);
    const criterion = { window: windowMs, minSuccessRate };
    let ttr: number | null = null;
    while (!o.signal.aborted && Date.now() - revertAt < deadlineMs + windowMs) {
      await abortableSleep(250, o.signal);
      // Only finished requests can vouch for recovery: stop at the oldest one still in flight.
      const cols = columns(traffic.samples, startedAt);
      ttr = timeToRecover(cols, revertAt - startedAt, {
        ...criterion,
        endMs: traffic.settledUntil() - startedAt - 1,
      });
      if (ttr !== null && ttr <= deadlineMs) break;
      ttr = null;
    }
    await stopTraffic();
    phase("");
    const samples = columns(traffic.samples, startedAt);
    const rel = (x: number) => x - startedAt;
    const afterStart = ttr === null ? revertAt + deadlineMs : revertAt + ttr;
    const windows = {
      // Requests still in flight when the fault began felt it: they belong to no baseline.
      before: windowStats(
        completedBy(samples, rel(faultStart)),
        rel(faultStart) - baselineMs,
        rel(faultStart),
      ),
      during: windowStats(samples, rel(faultStart), rel(revertAt)),
      after: windowStats(samples, rel(afterStart), rel(afterStart) + windowMs),
    };
    const recovery = {
      deadlineMs,
      recovered: ttr !== null,
      timeToRecoverMs: ttr,
      criterion: describeRecoveryCriterion(criterion),
    };
    return judge(def, { finish, samples, data, faults, windows, recovery });
  } catch (error) {
    if (o.signal.aborted) return finish("error", "interrupted");
    return finish("error", `${(error as Error).message.split("\n")[0]}`, {
      notes: [...notes, String((error as Error).stack ?? error)],
    });
  } finally {
    clearInterval(progressTimer);
    await stopTraffic();
    for (const h of handles) await h.revert().catch((e) => o.log(`${def.id}: revert failed: ${String(e)}`));
    o.chaos.events.off("applied", onApplied);
    o.chaos.events.off("reverted", onReverted);
  }

  async function stopTraffic() {
    await traffic?.stop();
  }
}

function judge(
  def: ScenarioDefinition,
  r: {
    finish: (v: Verdict, reason: string, extra?: Partial<ScenarioResult>) => ScenarioResult;
    samples: SampleColumns;
    data: Record<string, unknown>;
    faults: FaultRecord[];
    windows: Observations["windows"];
    recovery?: Observations["recovery"];
  },
): ScenarioResult {
  const obs: Observations = {
    windows: r.windows,
    recovery: r.recovery,
    samples: r.samples,
    faults: r.faults,
    data: r.data,
  };
  const checks = def.expect.map((c) => c(obs));
  const failed = checks.filter((c) => !c.ok);
  const verdict: Verdict = failed.length ? "failed" : "passed";
  const reason = failed.length
    ? `${failed[0].name}: expected ${failed[0].expected}, observed ${failed[0].observed}${failed.length > 1 ? ` (and ${failed.length - 1} more)` : ""}`
    : `all ${checks.length} checks held`;
  return r.finish(verdict, reason, {
    checks,
    windows: r.windows,
    recovery: r.recovery,
    timeline: r.samples.t.length ? timeline(r.samples, 1000) : [],
    samples: r.samples.t.length ? r.samples : undefined,
  });
}

/** Steady state: every health probe answers 2xx and one request of the background traffic succeeds. */
async function waitHealthy(
  system: SystemHandle,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  const req = trafficRequest(system.definition);
  while (!signal.aborted) {
    const bad: string[] = [];
    for (const [name, s] of Object.entries(system.definition.services)) {
      const r = await probeHealth(new URL(s.health ?? "/health", s.url).toString(), 2000);
      if (!r.ok) bad.push(`${name} ${r.error ?? `answered ${r.status}`}`);
    }
    if (bad.length === 0) {
      const r = await sendOnce(req, 5000);
      if (r.status >= 200 && r.status < 400) return undefined;
      bad.push(`${req.method} ${req.url} answered ${r.status || "nothing"}: ${r.text}`);
    }
    if (Date.now() > deadline) return `not healthy within ${timeoutMs / 1000}s: ${bad.join(", ")}`;
    await abortableSleep(250, signal);
  }
  return "interrupted";
}

function columns(samples: Sample[], startedAt: number): SampleColumns {
  const sorted = [...samples].sort((a, b) => a.start - b.start);
  return {
    t: sorted.map((s) => round3(s.start - startedAt)),
    latencyMs: sorted.map((s) => round3(s.latencyMs)),
    status: sorted.map((s) => s.status),
    ok: sorted.map((s) => s.ok),
  };
}

/** The samples that had finished by `endMs`. */
function completedBy(s: SampleColumns, endMs: number): SampleColumns {
  const keep = s.t.map((t, i) => t + s.latencyMs[i] <= endMs);
  const pick = <T>(xs: T[]) => xs.filter((_, i) => keep[i]);
  return { t: pick(s.t), latencyMs: pick(s.latencyMs), status: pick(s.status), ok: pick(s.ok) };
}

/** The fault window: the scenario's duration, time-scaled, never shorter than its minimum (default 3 s). */
export function faultDurationMs(def: ScenarioDefinition): number {
  return Math.max(parseDuration(def.minDuration ?? 3000), scaledDuration(def.duration ?? DEFAULTS.duration));
}

function emptyColumns(): SampleColumns {
  return { t: [], latencyMs: [], status: [], ok: [] };
}

function stats(samples: Sample[]) {
  return { requests: samples.length, ok: samples.filter((s) => s.ok).length };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function toArray<T>(x: T | T[] | undefined): T[] {
  return x === undefined ? [] : Array.isArray(x) ? x : [x];
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
