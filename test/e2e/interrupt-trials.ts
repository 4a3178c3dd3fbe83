// The pieces of test/e2e/interrupts.test.ts: a seeded sample of trials, the processes of one trial
// (found by a marker in their environment, which every process a run starts inherits), and the snapshot of
// what a trial left: ports, processes, mounts, cgroups, the ledger.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandLine, parentPid } from "../../sdk/core/process-identity.ts";
import { parseOwnerLabel } from "../../sdk/system/docker-services.ts";
import { portHolder } from "../../sdk/system/port-holder.ts";
import { listContainers } from "../../sdk/system/targets/docker-containers.ts";
import { dockerAvailability } from "../../sdk/system/targets/docker-engine.ts";

export const SUITES = ["chaos", "stress", "load"] as const;
export const ROUTES = [
  "SIGINT to the runner",
  "SIGTERM to the runner",
  "SIGINT to the process group",
  "SIGTERM to the process group",
  "SIGINT twice to the process group",
  "SIGTERM to npx",
  // npm forwards SIGINT to its `sh -c`, which holds it until its child exits: nothing reaches the runner.
  // A user then kills npx, as the CI timeout would: the runner sees its launcher die.
  "SIGINT to npx, then SIGKILL to npx",
  "SIGKILL to npx",
  "SIGKILL to the runner",
  // The dead-man switch killed too (an OOM killer, a machine's reboot): only reap.ts is left to clean up.
  "SIGKILL to the runner and its watchdog, then reap.ts --containers",
] as const;
export type Route = (typeof ROUTES)[number];

export const TARGETS = ["process", "docker"] as const;
export type TrialTarget = (typeof TARGETS)[number];

export interface Trial {
  index: number;
  target: TrialTarget;
  suite: (typeof SUITES)[number];
  route: Route;
  /** When the signal is sent, after the launch. */
  atMs: number;
}

/** mulberry32: a small seeded generator, so that a failing sample can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleTrials(
  seed: number,
  count: number,
  fromMs: number,
  toMs: number,
  target: TrialTarget = "process",
  /** Every route in turn (a matrix by hand) instead of a random one each. */
  cover = false,
): Trial[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  return Array.from({ length: count }, (_, index) => {
    const suite = pick(SUITES);
    const route = pick(ROUTES);
    return {
      index,
      target,
      suite,
      route: cover ? ROUTES[index % ROUTES.length] : route,
      atMs: Math.round(fromMs + next() * (toMs - fromMs)),
    };
  });
}

/** Every living process whose environment carries `marker` (KEY=value). */
export function markedProcesses(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z" && env.includes(marker)) found.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

/** The runner below `npx`: the deepest process whose command line names scripts/run-all.ts. */
export function runnerBelow(npxPid: number, marker: string): number | undefined {
  const depth = (pid: number) => {
    let d = 0;
    for (let p: number | undefined = pid; p && p !== npxPid && d < 10; p = parentPid(p)) d++;
    return d;
  };
  const candidates = markedProcesses(marker).filter((p) => commandLine(p).includes("scripts/run-all.ts"));
  return candidates.sort((a, b) => depth(b) - depth(a))[0];
}

export interface Snapshot {
  ports: string[];
  processes: string[];
  mounts: string[];
  cgroups: string[];
  ledger: string[];
}

export function leftovers(s: Snapshot): string[] {
  return [...s.ports, ...s.processes, ...s.mounts, ...s.cgroups, ...s.ledger];
}

/** What is left of a trial: `ports` of the run, processes with the marker, the hive's tmpfs, cgroups named after the trial's pids, the ledger. */
export function snapshot(o: {
  marker: string;
  ports: number[];
  cacheDir: string;
  ledger: string;
  seenPids: Set<number>;
}): Snapshot {
  // The fast looks first (the process list, the listening table), so that the snapshot shows one moment;
  // only then the slow one (which pid holds a port) for the message.
  const marked = markedProcesses(o.marker);
  const listening = o.ports.filter(listens);
  const processes = marked.map((p) => `process ${p}: ${commandLine(p)}`);
  const ports = listening.map((p) => {
    const pid = portHolder(p);
    return `port ${p} held${pid ? ` by pid ${pid} (${commandLine(pid)})` : ""}`;
  });
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[1] === o.cacheDir)
    .map((l) => `mount ${l}`);
  const cgroups = hivestormCgroups().filter((dir) => {
    const m = /-(\d+)$/.exec(dir);
    return m !== null && o.seenPids.has(Number(m[1]));
  });
  const ledger = [o.ledger, ...siblings(o.ledger)]
    .filter((f) => existsSync(f))
    .flatMap((f) => {
      try {
        const entries = (JSON.parse(readFileSync(f, "utf8")).entries ?? []) as { description: string }[];
        return entries.map((e) => `ledger ${f}: ${e.description}`);
      } catch {
        return [`ledger ${f}: unreadable`];
      }
    });
  return { ports, processes, mounts, cgroups: cgroups.map((c) => `cgroup ${c}`), ledger };
}

function listens(port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return ["/proc/net/tcp", "/proc/net/tcp6"].some((t) => {
    try {
      return readFileSync(t, "utf8")
        .split("\n")
        .some((l) => {
          const f = l.trim().split(/\s+/);
          return f[1]?.endsWith(hex) && f[3] === "0A";
        });
    } catch {
      return false;
    }
  });
}

function hivestormCgroups(): string[] {
  const out: string[] = [];
  for (const root of ["/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu"]) {
    const dir = join(root, "hivestorm");
    try {
      for (const name of readdirSync(dir, { withFileTypes: true }))
        if (name.isDirectory()) out.push(join(dir, name.name));
    } catch {
      // no hivestorm cgroups there
    }
  }
  return out;
}

function siblings(file: string): string[] {
  const dir = join(file, "..");
  const stem = file.slice(dir.length + 1).replace(/\.json$/, "");
  try {
    return readdirSync(dir)
      .filter((n) => n.startsWith(`${stem}.`) && /^\d+\.json$/.test(n.slice(stem.length + 1)))
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** The hive's model cache the demo config puts in tmpfs for disk faults, at this port offset. */
export const cacheDirFor = (offset: number) => join(tmpdir(), `hivestorm-rbee-cache-${9201 + offset}`);

/**
 * The hivestorm containers a trial left: those whose owner label names one of the trial's pids (its runner), or
 * whose name is one the demo gives at the trial's port offset. A container takes its own faults along (its
 * cgroup limits, the tmpfs in its mount namespace); a stressor placed in its cgroup is a process of the trial.
 */
export async function containerLeftovers(seenPids: Set<number>, names: readonly string[]): Promise<string[]> {
  if (!(await dockerAvailability()).ok) return [];
  const out: string[] = [];
  for (const c of await listContainers({})) {
    const name = c.Names[0]?.replace(/^\//, "") ?? c.Id;
    const owner = parseOwnerLabel(c.Labels);
    if ((owner && seenPids.has(owner.pid)) || names.includes(name))
      out.push(`container ${name} (${c.State}${owner ? `, run pid ${owner.pid}` : ""})`);
  }
  return out;
}

/** The names hivestorm.config.ts gives the demo's containers at a port offset. */
export function demoContainerNames(offset: number): string[] {
  return [
    `hivestorm-queen-${8081 + offset}`,
    `hivestorm-hive-${9201 + offset}`,
    ...[0, 1, 2, 3].map((slot) => `hivestorm-worker-${9300 + offset}-${slot}`),
  ];
}
