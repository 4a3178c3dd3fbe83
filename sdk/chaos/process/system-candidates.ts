// Turns a selector into live candidates on the running system: the service's own process or container, or the
// instances its `instances()` lists (plus, for local processes, children it spawned that it does not list yet:
// those are "starting", the window a crash during registration hits).
import type Docker from "dockerode";
import { FaultError } from "../../core/errors.ts";
import type { InstanceInfo } from "../../system/definition.ts";
import { dockerFor } from "../../system/targets/docker-engine.ts";
import { DockerTarget } from "../../system/targets/docker-target.ts";
import { descendantPids, procCommand, procStatus } from "../../system/targets/proc.ts";
import { ProcessTarget } from "../../system/targets/process-target.ts";
import type { Target } from "../../system/targets/target.ts";
import type { UndoLedger } from "../../system/targets/undo.ts";
import type { Candidate, CandidateResolver } from "./candidates.ts";
import { describeSelection, requireSelection } from "./selector.ts";

export interface CandidateSystem {
  target: "process" | "docker";
  /** Per service: its instances, and the Docker engine of its containers (`docker: { host, port }`). */
  services: Record<
    string,
    { instances?: () => Promise<InstanceInfo[]>; docker?: { host?: string; port?: number } }
  >;
  /** Role → service: a selector may name a role ("@workers"). */
  roles?: Record<string, string>;
  /** What the runner started: a pid (process target) or a container name (docker target) per service. */
  running: Record<string, { pid?: number; container?: string } | undefined>;
  ledger?: UndoLedger;
  /** One engine for every container (tests); default: each service's own, else DOCKER_HOST or the socket. */
  docker?: Docker;
}

/** The engine of a service's containers, and of the instances it lists. */
function engineOfService(system: CandidateSystem, service: string): Docker {
  return system.docker ?? dockerFor(system.services[service]?.docker);
}

export function systemCandidates(system: CandidateSystem): CandidateResolver {
  return async (selector) => {
    const sel = requireSelection(system, selector);
    if (sel.scope === "service") return serviceCandidate(system, sel.service);
    const owner = system.services[sel.service];
    const listed = (await owner.instances?.()) ?? [];
    // Two listed ids on one container or pid (an owner that kept a dead id while the replacement reuses the
    // container's name) are one target: the later listing stands for it, so it is not acted on twice.
    const byTarget = new Map<string, Candidate>();
    for (const info of listed) {
      const target = await instanceTarget(system, sel.service, info);
      if (!target) continue;
      const key = info.container ? `container ${info.container}` : `pid ${info.pid ?? info.id}`;
      byTarget.delete(key);
      byTarget.set(key, {
        id: info.id,
        service: sel.service,
        state: typeof info.state === "string" ? info.state : "ready",
        inflight: typeof info.inflight === "number" ? info.inflight : 0,
        pid: info.pid,
        url: info.url,
        container: info.container,
        slot: typeof info.slot === "number" ? info.slot : undefined,
        target,
      });
    }
    const out = [...byTarget.values()];
    if (system.target === "process") out.push(...(await unlisted(system, sel.service, listed)));
    if (out.length === 0 && listed.length === 0)
      throw new FaultError(`selector ${JSON.stringify(selector)} resolves to no target`, {
        expected: `at least one of ${describeSelection(sel)}`,
        found: `${sel.service} lists no instances now`,
      });
    return out;
  };
}

async function serviceCandidate(system: CandidateSystem, service: string): Promise<Candidate[]> {
  const r = system.running[service];
  let target: Target | undefined;
  if (system.target === "docker" && r?.container)
    target = new DockerTarget({
      container: r.container,
      id: service,
      ledger: system.ledger,
      docker: engineOfService(system, service),
    });
  else if (system.target === "process" && r?.pid)
    target = await ProcessTarget.attach({ id: service, pid: r.pid, ledger: system.ledger });
  if (!target)
    throw new FaultError(
      `service ${service} has no ${system.target === "docker" ? "container" : "process"} to act on`,
      {
        found: "it was not started by the runner (it was already running)",
        hint: "let the runner start it (give it a command), or select its instances",
      },
    );
  return [
    { id: service, service, state: "running", inflight: 0, pid: r?.pid, container: r?.container, target },
  ];
}

async function instanceTarget(
  system: CandidateSystem,
  owner: string,
  info: InstanceInfo,
): Promise<Target | undefined> {
  if (info.container) {
    const target = new DockerTarget({
      container: info.container,
      id: info.id,
      ledger: system.ledger,
      docker: engineOfService(system, owner),
    });
    // Stopped or removed since the listing (an owner that has not noticed yet): as for a process, nothing to act on.
    return (await target.isRunning().catch(() => false)) ? target : undefined;
  }
  if (
    system.target === "process" &&
    typeof info.pid === "number" &&
    (await procStatus(info.pid)) !== "exited"
  )
    // Gone between the listing and now: the owner has not noticed yet, and there is nothing left to act on.
    return ProcessTarget.attach({ id: info.id, pid: info.pid, ledger: system.ledger }).catch(() => undefined);
  return undefined;
}

/** Children of the owner that run the same program as its listed instances but are not listed (yet). */
async function unlisted(
  system: CandidateSystem,
  service: string,
  listed: InstanceInfo[],
): Promise<Candidate[]> {
  const ownerPid = system.running[service]?.pid;
  if (!ownerPid) return [];
  const listedPids = new Set(listed.map((i) => i.pid));
  const programs = new Set<string>();
  for (const i of listed) if (typeof i.pid === "number") programs.add(program(await procCommand(i.pid)));
  programs.delete("");
  if (programs.size === 0) return [];
  const out: Candidate[] = [];
  for (const pid of await descendantPids(ownerPid)) {
    if (listedPids.has(pid)) continue;
    if (!programs.has(program(await procCommand(pid)))) continue;
    const target = await ProcessTarget.attach({
      id: `${service}-child-${pid}`,
      pid,
      ledger: system.ledger,
    }).catch(() => undefined);
    if (target) out.push({ id: target.id, service, state: "starting", inflight: 0, pid, target });
  }
  return out;
}

/** The script a command line runs (its first argument that looks like one), else the executable. */
export function program(cmdline: string): string {
  const parts = cmdline.split(" ").filter(Boolean);
  return parts.find((p) => /\.(m?[jt]s|c?js|py)$/.test(p)) ?? parts[0] ?? "";
}
