// Helpers the worker-crash scenarios share: apply a process fault and keep what it did, then watch the hive
// evict and replace the hit workers, and read the hive's own log for requests routed to a worker after its
// eviction. Not a scenario (files under _lib are not discovered).
import { readFile } from "node:fs/promises";
import {
  type Candidate,
  cgroupSupport,
  dockerAvailability,
  type FaultHandle,
  observation,
  type ProcessFaultOutcome,
  type Requirement,
  type ScenarioContext,
  type WatchResult,
  watchInstances,
} from "../../sdk/index.ts";

/** The pool of workers: a role, the instances of the service it maps to (the hive in the demo). */
export const WORKERS = "@workers";

export async function workers(ctx: ScenarioContext) {
  return ctx.system.instances(WORKERS);
}

/** What a process fault the runner applied did (its hits), logged for the run. */
export function outcomeOf(ctx: ScenarioContext, handle: FaultHandle): ProcessFaultOutcome {
  const outcome = handle.details as ProcessFaultOutcome | undefined;
  if (!outcome) throw new Error(`${handle.description} reported nothing`);
  for (const h of outcome.hits)
    ctx.log(`hit ${h.description} (${h.state}${h.inflight ? `, ${h.inflight} in flight` : ""})`);
  return outcome;
}

/** The workers and how many were ready before the fault: recorded by `before`, read by `beside`. */
export const workersBefore = observation<{ ids: string[]; ready: number }>("workersAtStart");

export async function recordWorkersBefore(ctx: ScenarioContext): Promise<void> {
  const list = await workers(ctx);
  ctx.record(workersBefore, {
    ids: list.map((w) => w.id),
    ready: list.filter((w) => w.state === "ready").length,
  });
}

export interface AfterHit extends WatchResult {
  /** Failures the hive logged against a hit worker after it had evicted it. */
  routedAfterEviction: number;
}

/**
 * Watches the hive after workers were hit: eviction of each, capacity back with new workers, and whether any
 * request went to a hit worker after its eviction. Records it all for the checks.
 */
export async function watchAfterHit(
  ctx: ScenarioContext,
  outcome: ProcessFaultOutcome,
  o: {
    known: string[];
    expectedReady: number;
    since?: number;
    deadlineMs?: number;
    evictionDeadlineMs?: number;
  },
): Promise<AfterHit> {
  const since = o.since ?? Math.min(...outcome.hits.map((h) => h.at));
  const w = await watchInstances({
    list: () => workers(ctx),
    dead: outcome.hits.map((h) => h.id),
    known: o.known,
    since,
    expectedReady: o.expectedReady,
    deadlineMs: o.deadlineMs ?? 20_000,
    // Twice the scenarios' eviction deadline: long enough to tell "late" from "never" in the report.
    evictionDeadlineMs: o.evictionDeadlineMs ?? 10_000,
    signal: ctx.signal,
  });
  const routed = await failuresAfterEviction(ctx, w, since);
  ctx.record(
    "hit",
    outcome.hits.map((h) => ({
      id: h.id,
      pid: h.pid,
      container: h.container,
      state: h.state,
      inflight: h.inflight,
    })),
  );
  ctx.record("evictionMs", w.allEvictedAfterMs);
  ctx.record("evictionWatchedMs", o.evictionDeadlineMs ?? 10_000);
  ctx.record("evictedAfterMs", w.evictedAfterMs);
  ctx.record("replacementMs", w.replacedAfterMs);
  ctx.record("minReady", w.minReady);
  ctx.record("expectedReady", o.expectedReady);
  ctx.record("routedAfterEviction", routed);
  ctx.note(
    `${outcome.description}: hit ${outcome.hits.map((h) => `${h.id} (${h.container ? `container ${h.container}` : `pid ${h.pid}`}, ${h.state}, ${h.inflight} in flight)`).join(", ")}; ` +
      `evicted after ${w.allEvictedAfterMs ?? "never (watched 10 s)"} ms; ${o.expectedReady} workers ready again after ${w.replacedAfterMs ?? "never"} ms; ` +
      `at least ${w.minReady} ready meanwhile`,
  );
  ctx.log(
    `evicted after ${w.allEvictedAfterMs ?? "never"} ms, capacity back after ${w.replacedAfterMs ?? "never"} ms, ` +
      `${routed} request(s) routed to a hit worker after its eviction`,
  );
  return { ...w, routedAfterEviction: routed };
}

/**
 * An attempt routed just before an eviction can fail (and be logged) just after it, on a busy event loop; one
 * that fails later than the hive's connect timeout after the eviction was routed to an evicted worker.
 */
const ROUTED_MARGIN_MS = 500;

/** The hive's log lines that name a hit worker in a failed attempt after it was evicted (see the margin). */
async function failuresAfterEviction(ctx: ScenarioContext, w: WatchResult, since: number): Promise<number> {
  const file = ctx.system.definition.services[ctx.system.service(WORKERS).name]?.logFiles?.[0];
  if (!file) return 0;
  const text = await readFile(file, "utf8").catch(() => "");
  let n = 0;
  for (const line of text.split("\n")) {
    if (!line.includes('"worker"')) continue;
    let e: { ts?: string; event?: string; worker?: string };
    try {
      e = JSON.parse(line);
    } catch {
      continue;
    }
    const evicted = e.worker === undefined ? null : w.evictedAfterMs[e.worker];
    if (evicted === null || evicted === undefined) continue;
    if (
      (e.event === "request_retried" || e.event === "stream_failed") &&
      Date.parse(e.ts ?? "") > since + evicted + ROUTED_MARGIN_MS
    )
      n++;
  }
  return n;
}

/** The demo worker's debug allocation: real, touched memory, so that a memory limit sees it. */
export function allocate(mb: number) {
  return (c: Candidate) =>
    fetch(`${c.url}/v1/debug/alloc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mb }),
      signal: AbortSignal.timeout(20_000),
    }).then((r) => r.text());
}

/** A real OOM kill needs a memory cgroup we may write (processes) or a Docker engine (containers). */
export const canOom: Requirement = {
  check: async (ctx) => {
    if (ctx.system.target === "docker") {
      const d = await dockerAvailability();
      return d.ok ? undefined : `no Docker engine: ${d.reason}`;
    }
    const s = cgroupSupport();
    return s.ok ? undefined : `a real OOM kill needs a memory cgroup: missing ${s.missing}`;
  },
  enable:
    "run as root on a host with the cgroup memory controller (or: --target docker after bash .ci/setup-docker.sh)",
};

const ms = (x: unknown) => (typeof x === "number" ? `${Math.round(x)} ms` : "never");

/** Checks shared by the crash scenarios, on what watchAfterHit recorded. */
export const workerChecks = {
  evictedWithin: (deadlineMs: number) => (o: { data: Record<string, unknown> }) => ({
    ok: typeof o.data.evictionMs === "number" && o.data.evictionMs <= deadlineMs,
    observed:
      typeof o.data.evictionMs === "number"
        ? `${ms(o.data.evictionMs)} (${JSON.stringify(o.data.evictedAfterMs)})`
        : `never: still listed after ${ms(o.data.evictionWatchedMs)} (${JSON.stringify(o.data.evictedAfterMs)})`,
  }),
  nothingRoutedAfterEviction: () => (o: { data: Record<string, unknown> }) => ({
    ok: typeof o.data.evictionMs === "number" && o.data.routedAfterEviction === 0,
    observed:
      typeof o.data.evictionMs === "number"
        ? `${o.data.routedAfterEviction} failed attempt(s) on a hit worker later than ${ROUTED_MARGIN_MS} ms after its eviction (hive log)`
        : "the hit worker was never evicted",
  }),
  replacedWithin: (deadlineMs: number) => (o: { data: Record<string, unknown> }) => ({
    ok: typeof o.data.replacementMs === "number" && o.data.replacementMs <= deadlineMs,
    observed: `${ms(o.data.replacementMs)} until ${o.data.expectedReady} workers were ready again`,
  }),
};

/**
 * What the worker scenarios need: a pool of instances that speaks the rbee hive's API (its JSON log names the
 * worker of each failed attempt; its workers have a debug allocation endpoint).
 */
export const WORKER_ROLES = { workers: ["instances", "api:rbee-hive"] } as const;

/** What every worker-crash scenario shares: its roles, and the workers read before the fault. */
export const WORKER_POOL = { roles: WORKER_ROLES, before: recordWorkersBefore };
