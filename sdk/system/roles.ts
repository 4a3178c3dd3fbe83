// Roles: what built-in scenarios ask for instead of service names, so that they run on any system. A system
// definition maps roles to its services (`roles: { gateway: "lb", backend: "app-1" }`); a scenario refers to a
// role as "@gateway" wherever it would name a service, and declares what it needs of each role. A scenario whose
// roles are not all mapped, or whose needs are not met, is skipped with the reason and how to meet it.
import type { SystemDefinition } from "./definition.ts";

export interface RoleInfo {
  /** What the role is, for messages and the docs. */
  description: string;
  /** "instances": the role is a pool, the instances of the service it maps to (a hive's workers). */
  scope: "service" | "instances";
}

/** The roles the built-in scenarios use. A system may map others of its own; they act as services. */
export const ROLES: Readonly<Record<string, RoleInfo>> = {
  gateway: {
    description: "the public API clients call (where the background traffic goes)",
    scope: "service",
  },
  backend: { description: "a service behind the gateway, with a proxy between them", scope: "service" },
  workers: {
    description: "a pool of instances (the service that lists them with `instances`)",
    scope: "instances",
  },
};

/**
 * What a scenario needs of a role's service: a Toxiproxy proxy in front of it, a data folder, a process or
 * container the run started (to signal or exhaust), instances it lists, a named counter it exposes, or an API
 * it speaks (a scenario written against one system's endpoints: the service must say `apis: ["<name>"]`).
 */
export type RoleNeed = "proxy" | "dataDir" | "process" | "instances" | `counter:${string}` | `api:${string}`;

/** "@gateway" → "gateway"; a plain service name → undefined. */
export function roleOf(ref: string): string | undefined {
  return typeof ref === "string" && ref.startsWith("@") ? ref.slice(1) : undefined;
}

/** The service a reference names: itself, or the service its role maps to (undefined when unmapped). */
export function serviceOf(system: Pick<SystemDefinition, "roles">, ref: string): string | undefined {
  const role = roleOf(ref);
  return role === undefined ? ref : system.roles?.[role];
}

/** How to map a role, in one line. */
export function howToMap(role: string): string {
  const what = ROLES[role]?.description ?? "a service of yours";
  return `role ${role} (${what}) is not mapped: add roles: { ${role}: "<service>" } to the config`;
}

/**
 * Why a scenario cannot run on this system (one reason per unmet need), or none. `started` says which services
 * the run starts itself (their processes can be signalled); with the docker target every declared image can.
 */
export function roleProblems(
  system: SystemDefinition,
  needs: Readonly<Record<string, readonly RoleNeed[]>>,
  o: { target: "process" | "docker" },
): string[] {
  const out: string[] = [];
  for (const [role, wants] of Object.entries(needs)) {
    const name = system.roles?.[role];
    if (!name) {
      out.push(howToMap(role));
      continue;
    }
    const s = system.services[name];
    if (!s) {
      out.push(`role ${role} maps to ${JSON.stringify(name)}, which is not a service of this system`);
      continue;
    }
    for (const need of wants) {
      const missing = needProblem(s, need, o.target);
      if (missing) out.push(`role ${role} → ${name}: ${missing}`);
    }
  }
  return out;
}

function needProblem(
  s: SystemDefinition["services"][string],
  need: RoleNeed,
  target: "process" | "docker",
): string | undefined {
  if (need === "proxy")
    return s.proxy ? undefined : "no proxy in front of it: declare proxy: { listen } for it";
  if (need === "dataDir") return s.dataDir ? undefined : "no data folder: declare dataDir for it";
  if (need === "instances")
    return s.instances ? undefined : "lists no instances: declare instances: async () => [...] for it";
  if (need === "process") {
    const ours = target === "docker" ? Boolean(s.docker) : Boolean(s.command);
    return ours
      ? undefined
      : `the run does not start it, so it has no process to act on: give it a ${target === "docker" ? "docker image" : "command"}`;
  }
  if (need.startsWith("api:")) {
    const api = need.slice("api:".length);
    return s.apis?.includes(api)
      ? undefined
      : `does not speak the ${api} API this scenario is written against (a service that does declares apis: ["${api}"])`;
  }
  const counter = need.slice("counter:".length);
  return s.counters?.[counter]
    ? undefined
    : `exposes no ${counter} counter: declare counters: { ${counter}: async () => <number> } for it`;
}
