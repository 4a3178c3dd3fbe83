// Selectors name what a process fault acts on: a service ("queen"), the instances behind one ("hive/instances",
// "hive/workers"), the word "worker"/"workers": the instances of the one service that declares them, or a role
// ("@backend"; "@workers" is a pool: the instances of the service it maps to).
// Resolved against the system definition before anything is applied; a selector that names nothing is refused
// with what exists.
import { FaultError } from "../../core/errors.ts";
import { howToMap, ROLES, roleOf } from "../../system/roles.ts";

/** The part of a system definition selectors are resolved against. */
export interface SelectableSystem {
  services: Record<string, { instances?: unknown; command?: unknown; proxy?: unknown }>;
  roles?: Record<string, string>;
}

export type Selection = { service: string; scope: "service" } | { service: string; scope: "instances" };

const INSTANCE_WORDS = new Set(["worker", "workers", "instance", "instances"]);

/** Resolves a selector, or says why it names nothing (with what exists). */
export function resolveSelector(system: SelectableSystem, selector: string): Selection | string {
  const services = Object.keys(system.services);
  const owners = services.filter((s) => system.services[s].instances !== undefined);
  const known = [
    ...services,
    ...owners.map((s) => `${s}/instances`),
    ...(owners.length === 1 ? ["worker"] : []),
  ];
  const none = (why: string) => `${why}; this system has: ${known.join(", ")}`;
  if (typeof selector !== "string" || selector.trim() === "") return none("no selector given");
  const role = roleOf(selector);
  if (role !== undefined) {
    const mapped = system.roles?.[role];
    if (!mapped) return howToMap(role);
    if (!system.services[mapped])
      return `role ${role} maps to ${JSON.stringify(mapped)}, which is not a service`;
    if (ROLES[role]?.scope !== "instances") return { service: mapped, scope: "service" };
    if (system.services[mapped].instances === undefined)
      return `role ${role} → ${mapped}: it lists no instances (declare instances: async () => [...])`;
    return { service: mapped, scope: "instances" };
  }
  const [head, tail, ...rest] = selector.split("/");
  if (rest.length > 0) return none(`${JSON.stringify(selector)} has more than one "/"`);
  if (tail !== undefined) {
    if (!system.services[head]) return none(`no service ${JSON.stringify(head)}`);
    if (!INSTANCE_WORDS.has(tail))
      return none(`${JSON.stringify(tail)} after "${head}/" is not instances (or workers)`);
    if (system.services[head].instances === undefined) return none(`service ${head} declares no instances`);
    return { service: head, scope: "instances" };
  }
  if (system.services[selector]) return { service: selector, scope: "service" };
  if (INSTANCE_WORDS.has(selector)) {
    if (owners.length === 1) return { service: owners[0], scope: "instances" };
    if (owners.length === 0) return none(`${JSON.stringify(selector)}: no service declares instances`);
    return none(
      `${JSON.stringify(selector)} is ambiguous: ${owners.join(" and ")} declare instances; say which`,
    );
  }
  return none(`no service or instance group ${JSON.stringify(selector)}`);
}

export function describeSelection(s: Selection): string {
  return s.scope === "service" ? `service ${s.service}` : `the instances of ${s.service}`;
}

/** Throws a FaultError naming the selector and what exists. */
export function requireSelection(system: SelectableSystem, selector: string): Selection {
  const s = resolveSelector(system, selector);
  if (typeof s === "string")
    throw new FaultError(`selector ${JSON.stringify(selector)} resolves to nothing`, { found: s });
  return s;
}
