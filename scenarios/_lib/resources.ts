// Helpers the resource scenarios (RE-001..005 and the stress suite) share: the targets they exhaust, the
// requirements checked before anything is applied, probes that sample what the rbee plan expects (uploads
// answered 507, health answering, a worker evicted) and checks on what they recorded. Not a scenario (files
// under _lib are not discovered).
import { readFile } from "node:fs/promises";
import { get } from "node:http";
import {
  type Check,
  DockerTarget,
  dockerAvailability,
  expect,
  type InstanceInfo,
  ProcessTarget,
  prlimitMissing,
  procStatus,
  type Requirement,
  type ResourceObservation,
  type ScenarioContext,
  scopeMissing,
  stressNgMissing,
  type Target,
} from "../../sdk/index.ts";

/** The roles these scenarios act on (mapped to services by the system definition). */
export const QUEEN = "@gateway";
export const HIVE = "@backend";
export const WORKERS = "@workers";

/** How the checks name a role's service: the rbee plan's words, which the journals and tests know. */
const ROLE_NAMES: Record<string, string> = { [QUEEN]: "queen", [HIVE]: "hive" };

/** A role's service definition (dataDir, health path...). */
export function definitionOf(ctx: ScenarioContext, ref: string) {
  return ctx.system.definition.services[ctx.system.service(ref).name];
}

/** The process or container of a service the runner started. */
export async function serviceTarget(ctx: ScenarioContext, name: string): Promise<Target> {
  const s = ctx.system.service(name);
  if (ctx.system.target === "docker" && s?.container)
    return new DockerTarget({ container: s.container, id: s.name, ledger: ctx.chaos.ledger });
  // The service's own name: a role reference ("@gateway") is not a valid target id.
  if (s?.pid) return ProcessTarget.attach({ id: s.name, pid: s.pid, ledger: ctx.chaos.ledger });
  throw new Error(`service ${s.name} has no process or container to exhaust (was it started by the runner?)`);
}

/** A ready worker of the hive and its target. */
export async function readyWorker(ctx: ScenarioContext): Promise<{ info: InstanceInfo; target: Target }> {
  const list = await ctx.system.instances(WORKERS);
  const info = list.find((w) => w.state === "ready" && (w.pid || w.container));
  if (!info)
    throw new Error(
      `no ready instance among the ${list.length} that ${ctx.system.service(WORKERS).name} lists`,
    );
  const target = info.container
    ? new DockerTarget({ container: info.container, id: info.id, ledger: ctx.chaos.ledger })
    : await ProcessTarget.attach({ id: info.id, pid: info.pid!, ledger: ctx.chaos.ledger });
  return { info, target };
}

/** Keeps what a resource fault reports, and puts its "how" into the report. */
export function observer(ctx: ScenarioContext, key: string): (o: ResourceObservation) => void {
  return (o) => {
    ctx.record(`${key}.${o.phase}`, o.facts);
    if (o.phase === "applied") ctx.note(`${ctx.scenario.id}: ${o.how}.`);
  };
}

const req = (check: (ctx: ScenarioContext) => Promise<string | undefined>, enable: string): Requirement => ({
  check,
  enable,
});

/** stress-ng inside the target's cgroup: root, cgroups (or Docker), stress-ng. */
export const canStress = req(async (ctx) => {
  if (ctx.system.target === "docker") {
    const d = await dockerAvailability();
    if (!d.ok) return `no Docker engine: ${d.reason}`;
  }
  return scopeMissing(ctx.system.target) ?? stressNgMissing();
}, "run as root on Linux with cgroups, and apt-get install -y stress-ng (bash .ci/setup-stress.sh)");

/** A size-bounded filesystem over the hive's data directory: root to mount a tmpfs (processes). */
export const canFillDisk = req(async (ctx) => {
  if (!definitionOf(ctx, HIVE)?.dataDir) return `${ctx.system.service(HIVE).name} declares no dataDir`;
  if (ctx.system.target === "process" && process.getuid?.() !== 0)
    return "not root: mounting a size-bounded tmpfs over the data directory needs root (the fill never goes to an unbounded disk)";
  return undefined;
}, "run as root (mount -t tmpfs), or give the container a --tmpfs mount at its data directory");

export const canLimitFds = req(
  async () => prlimitMissing(),
  "apt-get install -y util-linux (prlimit), run as root",
);

/** Samples a URL every `everyMs` until stopped: statuses and latencies (0 = no answer). */
export function sampler(url: string, init: RequestInit = {}, everyMs = 250, timeoutMs = 2000) {
  const samples: { at: number; status: number; ms: number }[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      const status = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      );
      samples.push({ at, status, ms: Date.now() - at });
      await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - at))));
    }
  })();
  return {
    samples,
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/** Polls `probe` every 200 ms until it returns true; ms it took, or null after `deadlineMs`. */
export async function timeUntil(
  probe: () => Promise<boolean>,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < deadlineMs && !signal?.aborted) {
    if (await probe().catch(() => false)) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

export async function alive(pid: number | undefined): Promise<boolean> {
  return pid !== undefined && (await procStatus(pid)) !== "exited";
}

/** The hive answers its health probe. */
export async function healthy(url: string): Promise<boolean> {
  return fetch(new URL("/health", url), { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );
}

/** Uploads a model of `mb` MiB to the hive's cache: the write a full disk refuses. */
export async function upload(hiveUrl: string, name: string, mb: number): Promise<number> {
  return fetch(new URL(`/v1/models/${name}`, hiveUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ size_mb: mb }),
    signal: AbortSignal.timeout(10_000),
  }).then(
    async (r) => {
      await r.arrayBuffer();
      return r.status;
    },
    () => 0,
  );
}

export async function removeModel(hiveUrl: string, name: string): Promise<void> {
  await fetch(new URL(`/v1/models/${name}`, hiveUrl), {
    method: "DELETE",
    signal: AbortSignal.timeout(5000),
  }).catch(() => {});
}

/** The queen's RSS in bytes (process target), for memory growth under a flood. */
export async function rssBytes(pid: number | undefined): Promise<number | undefined> {
  if (!pid) return undefined;
  const m = /^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, "utf8").catch(() => ""));
  return m ? Number(m[1]) * 1024 : undefined;
}

const fmt = (x: unknown) => (typeof x === "number" ? `${Math.round(x)} ms` : "never");

/** Checks on what the scenarios record. */
export const resourceChecks = {
  /** The service's process is the one from before the fault, still running. */
  noCrash: (service: string, key = `${service}Alive`): Check =>
    expect.custom(
      `${ROLE_NAMES[service] ?? service} does not crash`,
      "the same process, alive after the fault",
      (o) => ({
        ok: o.data[key] === true,
        observed: o.data[key] === true ? "alive" : "crashed (its process is gone)",
      }),
    ),
  /** Every probe of a URL during the fault was answered 2xx within its timeout. */
  allAnswered: (name: string, key: string, minShare = 1): Check =>
    expect.custom(name, `${Math.round(minShare * 100)}% of probes answered 2xx`, (o) => {
      const s = (o.data[key] ?? []) as { status: number }[];
      const ok = s.filter((x) => x.status >= 200 && x.status < 300).length;
      return { ok: s.length > 0 && ok / s.length >= minShare, observed: `${ok} of ${s.length}` };
    }),
  /** A measured time is within a bound. */
  within: (name: string, key: string, maxMs: number): Check =>
    expect.custom(name, `within ${maxMs} ms`, (o) => ({
      ok: typeof o.data[key] === "number" && (o.data[key] as number) <= maxMs,
      observed: fmt(o.data[key]),
    })),
};

/**
 * Where the disk fault fills: a tmpfs mounted over the hive's dataDir (process target), or the container's own
 * --tmpfs mount at that path (docker target).
 */
export async function diskFillPlace(ctx: ScenarioContext): Promise<string | { dir: string; target: Target }> {
  const dir = definitionOf(ctx, HIVE)?.dataDir;
  if (!dir) throw new Error(`${ctx.system.service(HIVE).name} declares no dataDir`);
  return ctx.system.target === "docker" ? { dir, target: await serviceTarget(ctx, HIVE) } : dir;
}

/** A real pause (not time-scaled: probes keep their pace in quick runs). */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface EvictionWatch {
  /** ms from the start of the watch until the worker's process was gone. */
  killedMs: number | null;
  /** ms from the kill until the hive no longer listed the worker. */
  evictedMs: number | null;
  /** ms from the kill until the hive had as many ready workers as before. */
  replacedMs: number | null;
}

/** Watches a worker die and the hive remove and replace it; records killedMs/evictedMs/replacedMs. */
export async function watchEviction(
  ctx: ScenarioContext,
  worker: InstanceInfo,
  readyBefore: number,
  o: { killDeadlineMs?: number; deadlineMs?: number } = {},
): Promise<EvictionWatch> {
  const pid = worker.pid;
  const killedMs = await timeUntil(async () => !(await alive(pid)), o.killDeadlineMs ?? 15_000, ctx.signal);
  let evictedMs: number | null = null;
  let replacedMs: number | null = null;
  if (killedMs !== null) {
    const listed = async () => ctx.system.instances(WORKERS).catch(() => [] as InstanceInfo[]);
    evictedMs = await timeUntil(
      async () => !(await listed()).some((w) => w.id === worker.id),
      o.deadlineMs ?? 20_000,
      ctx.signal,
    );
    const since = Date.now() - (evictedMs ?? 0);
    const ready = await timeUntil(
      async () => (await listed()).filter((w) => w.state === "ready").length >= readyBefore,
      o.deadlineMs ?? 20_000,
      ctx.signal,
    );
    replacedMs = ready === null ? null : Date.now() - since;
  }
  const r = { killedMs, evictedMs, replacedMs };
  for (const [k, v] of Object.entries(r)) ctx.record(k, v);
  ctx.log(
    `worker ${worker.id}: killed after ${killedMs ?? "never"} ms, evicted ${evictedMs ?? "never"} ms later, capacity back ${replacedMs ?? "never"} ms after the kill`,
  );
  return r;
}

/** The demo worker's debug allocation: real, touched memory. */
export async function allocateIn(url: string | undefined, mb: number): Promise<void> {
  if (!url) return;
  await fetch(new URL("/v1/debug/alloc", url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mb }),
    signal: AbortSignal.timeout(10_000),
  }).catch(() => {});
}

/** The OOM checks shared by RE-002 and stress-memory, on what the memory fault and watchEviction recorded. */
export function oomChecks(evictMs: number, replaceMs: number): Check[] {
  return [
    expect.custom(
      "the kernel OOM-kills the worker",
      "an OOM kill counted by the worker's cgroup, the worker gone",
      (o) => {
        const f = (o.data["memory.reverted"] ?? {}) as { oomKills?: number; targetAlive?: boolean };
        return {
          ok: (f.oomKills ?? 0) >= 1 && f.targetAlive === false,
          observed: `${f.oomKills ?? 0} OOM kill(s) in the cgroup, worker ${f.targetAlive === false ? "gone" : "alive"}`,
        };
      },
    ),
    resourceChecks.within("the hive detects and removes the dead worker", "evictedMs", evictMs),
    resourceChecks.within("capacity comes back (the hive replaces it)", "replacedMs", replaceMs),
  ];
}

/** p95 after the recovery is within `factor` x the baseline's (plus 50 ms of slack for a fast baseline). */
export function latencyBack(factor: number): Check {
  return expect.custom(`latency back after the stress`, `p95 after <= ${factor}x p95 before + 50 ms`, (o) => {
    const b = o.windows.before?.p95;
    const a = o.windows.after?.p95;
    if (b == null || a == null) return { ok: false, observed: "no latency in a window" };
    return { ok: a <= factor * b + 50, observed: `${Math.round(a)} ms after vs ${Math.round(b)} ms before` };
  });
}

/** Opens `n` new connections at once (no pooling) to GET `path`; the statuses (0: refused, reset or no answer). */
export async function freshConnections(
  url: string,
  n: number,
  path = "/health",
  timeoutMs = 3000,
): Promise<number[]> {
  const one = () =>
    new Promise<number>((resolve) => {
      const req = get(new URL(path, url), { agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(0));
    });
  return Promise.all(Array.from({ length: n }, one));
}

export interface BurstResult {
  sent: number;
  byStatus: Record<string, number>;
  /** Answered (any HTTP status) within the timeout. */
  answered: number;
  maxMs: number;
  p99Ms: number;
}

/** Sends `n` inference requests at once to `url` (bounded: `timeoutMs` each); what came back, and how fast. */
export async function burst(
  url: string,
  n: number,
  maxTokens: number,
  timeoutMs: number,
): Promise<BurstResult> {
  const lat: number[] = [];
  const byStatus: Record<string, number> = {};
  await Promise.all(
    Array.from({ length: n }, async () => {
      const t = Date.now();
      const status = await fetch(new URL("/v1/inference", url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ prompt: "burst", max_tokens: maxTokens }),
        signal: AbortSignal.timeout(timeoutMs),
      }).then(
        async (r) => {
          await r.arrayBuffer();
          return r.status;
        },
        () => 0,
      );
      if (status) lat.push(Date.now() - t);
      byStatus[status] = (byStatus[status] ?? 0) + 1;
    }),
  );
  lat.sort((a, b) => a - b);
  return {
    sent: n,
    byStatus,
    answered: lat.length,
    maxMs: lat.at(-1) ?? 0,
    p99Ms: lat[Math.floor(lat.length * 0.99)] ?? 0,
  };
}

/** Every request of a burst got an HTTP answer (served, or shed with 429/502/503/504) within the bound: no hang. */
export function burstAnswered(key: string, boundMs: number): Check {
  return expect.custom(
    "degrades gracefully: every request is answered (served or shed), none hangs",
    `all answered within ${boundMs / 1000} s with 2xx, 429, 502, 503 or 504`,
    (o) => {
      const b = o.data[key] as BurstResult | undefined;
      if (!b) return { ok: false, observed: "no burst" };
      const bad = Object.entries(b.byStatus).filter(([s]) => !/^(2\d\d|429|502|503|504)$/.test(s));
      return {
        ok: b.answered === b.sent && bad.length === 0,
        observed: `${b.answered} of ${b.sent} answered (${Object.entries(b.byStatus)
          .map(([s, c]) => `${s === "0" ? "no answer" : s}: ${c}`)
          .join(", ")}), slowest ${b.maxMs} ms`,
      };
    },
  );
}

/** The demo worker's simulated VRAM: its health answer reports the budget, a debug endpoint holds memory. */
export const WORKER_VRAM = { health: "/health", hold: "/v1/debug/vram" };

/**
 * What the system itself says of a service's CPU while it is stressed, read with the run's `$` (its command and
 * output land in run.log and the journal): `ps` for a process, `docker stats` for a container.
 */
export async function cpuEvidence(ctx: ScenarioContext, ref: string): Promise<void> {
  const s = ctx.system.service(ref);
  const out = s.container
    ? await ctx.$`docker stats --no-stream --format ${"{{.CPUPerc}}"} ${s.container}`.catch(() => undefined)
    : s.pid
      ? await ctx.$`ps -o pcpu= -p ${s.pid}`.catch(() => undefined)
      : undefined;
  const seen = out?.stdout.trim();
  if (!seen) return;
  ctx.record(`${s.name}CpuPercent`, seen);
  ctx.note(
    `${ctx.scenario.id}: ${s.name} used ${seen.replace(/%$/, "")}% CPU at the end of the stress (${s.container ? "docker stats" : "ps"}).`,
  );
}
