// What a resource fault acts on: a process or a container, given as a Target (sdk/system/targets), as a bare
// pid, or as a service name that the chaos context resolves. Resolved at apply time, never at build time.
import { FaultError, type Problem } from "../../core/errors.ts";
import { DockerTarget } from "../../system/targets/docker-target.ts";
import type { Target } from "../../system/targets/target.ts";
import type { ChaosContext } from "../context.ts";

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
    const found = ctx.targets ? await ctx.targets(t) : [];
    const first = found[0] as Target | undefined;
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
  return {
    id: target.id,
    kind: target.kind,
    pid,
    docker: target instanceof DockerTarget ? target : undefined,
    description: `${target.kind} ${target.id} (pid ${pid})`,
  };
}
