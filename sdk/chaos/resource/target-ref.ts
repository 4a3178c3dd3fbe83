// What a resource fault acts on: a process or a container, given as a Target (sdk/system/targets), as a bare
// pid, or as a service name that the chaos context resolves. Resolved at apply time, never at build time.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FaultError, PrerequisiteError, type Problem } from "../../core/errors.ts";
import { DockerTarget } from "../../system/targets/docker-target.ts";
import type { Target } from "../../system/targets/target.ts";
import type { ChaosContext } from "../context.ts";
import { processCgroupDirs } from "./proc-info.ts";

/** A Target, `{ pid }` (a process someone else started), or a service name for `ctx.targets`. */
export type ResourceTarget = Target | { pid: number; id?: string } | string;

export interface ResolvedTarget {
  id: string;
  kind: "process" | "docker";
  /** The host pid of its main process. */
  pid: number;
  docker?: DockerTarget;
  description: string;
}

export function targetName(t: ResourceTarget | undefined): string {
  if (t === undefined) return "?";
  if (typeof t === "string") return t;
  if ("describe" in t) return t.id;
  return t.id ?? `pid ${t.pid}`;
}

export function targetProblems(t: ResourceTarget | undefined): Problem[] {
  if (t === undefined) return [{ path: "on", message: "no target given: add .on(target)" }];
  if (typeof t === "string") return t ? [] : [{ path: "on", message: 'expected a service name, found ""' }];
  if ("describe" in t) return [];
  if (!Number.isSafeInteger(t.pid) || t.pid <= 1)
    return [
      { path: "on.pid", message: `expected a process id greater than 1, found ${JSON.stringify(t.pid)}` },
    ];
  return [];
}

export async function resolveTarget(t: ResourceTarget, ctx: ChaosContext): Promise<ResolvedTarget> {
  let target: Target | { pid: number; id?: string };
  if (typeof t === "string") {
    // A testbed's resolver answers with candidates (a target with its state); a ready one is preferred.
    const found = (ctx.targets ? await ctx.targets(t) : []).map(asTarget).filter((x) => x !== undefined);
    const first = (found.find((x) => x.ready) ?? found[0])?.target;
    if (!first)
      throw new FaultError(`no target for service ${JSON.stringify(t)}`, {
        hint: "pass a Target (ProcessTarget.attach / DockerTarget) or { pid } to .on(), or set ctx.targets",
      });
    target = first;
  } else target = t;
  if (!("describe" in target)) {
    return {
      id: target.id ?? `pid-${target.pid}`,
      kind: "process",
      pid: target.pid,
      description: `pid ${target.pid}`,
    };
  }
  const pid = await target.pid();
  if (pid === undefined) throw new FaultError(`cannot stress ${target.describe()}: it is not running`);
  const docker = target instanceof DockerTarget ? target : undefined;
  if (docker) await requireLocalContainer(docker, pid);
  return {
    id: target.id,
    kind: target.kind,
    pid,
    docker,
    description: docker
      ? `container ${target.id} (${docker.ref}, host pid ${pid})`
      : `${target.kind} ${target.id} (pid ${pid})`,
  };
}

/**
 * Resource faults act through this machine's pids, cgroups and mount namespaces: the pid an engine reports must
 * be a process of that container here. A container on another engine has a pid of that host's, which here is
 * some other process (or none).
 */
async function requireLocalContainer(docker: DockerTarget, pid: number): Promise<void> {
  const id = (await docker.inspect())?.Id;
  const cgroup = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
  if (id && cgroup.includes(id)) return;
  throw new PrerequisiteError(
    `cannot put a resource fault on ${docker.describe()}: pid ${pid}, which its engine reports, is not a process of that container on this machine`,
    {
      hint: "resource faults (cpu, memory, disk, fds) act through this machine's processes and cgroups: run the container on this machine's engine",
    },
  );
}

function asTarget(x: unknown): { target: Target; ready: boolean } | undefined {
  const c = x as { target?: Target; state?: unknown; describe?: unknown };
  if (typeof c?.describe === "function") return { target: x as Target, ready: true };
  if (typeof c?.target?.describe === "function")
    return { target: c.target, ready: c.state === "ready" || c.state === "running" };
  return undefined;
}

/**
 * The processes a per-process fault (a descriptor limit) acts on: the process itself, or every process of a
 * container but its init (docker-init holds no client's descriptors), by host pid.
 */
export async function appPids(t: ResolvedTarget): Promise<number[]> {
  if (!t.docker) return [t.pid];
  const dirs = await processCgroupDirs(t.pid);
  const procs = dirs.memory ? await readFile(join(dirs.memory, "cgroup.procs"), "utf8").catch(() => "") : "";
  const pids = procs.split("\n").filter(Boolean).map(Number);
  const apps: number[] = [];
  for (const pid of pids) {
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
    // Our own stressors placed in the cgroup are not the container's.
    if (comm !== "" && comm !== "docker-init" && !comm.startsWith("hivestorm-") && comm !== "stress-ng")
      apps.push(pid);
  }
  return apps.length > 0 ? apps : [t.pid];
}
