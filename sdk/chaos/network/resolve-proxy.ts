import { HivestormError } from "../../core/errors.ts";
import { howToMap, roleOf } from "../../system/roles.ts";
import type { ChaosContext } from "../context.ts";

/** Problems with a network fault's target on a system, for dry runs: an unknown service or role, no proxy. */
export function proxyTargetProblems(
  system: { services: Record<string, { proxy?: unknown }>; roles?: Record<string, string> },
  ref: string | undefined,
): { path: string; message: string }[] {
  if (!ref) return [];
  const role = roleOf(ref);
  const service = role === undefined ? ref : system.roles?.[role];
  if (service === undefined) return [{ path: "on", message: howToMap(role!) }];
  if (!system.services[service])
    return [
      {
        path: "on",
        message: `no service ${JSON.stringify(service)}; this system has: ${Object.keys(system.services).join(", ")}`,
      },
    ];
  if (!system.services[service].proxy)
    return [
      {
        path: "on",
        message: `service ${service} has no proxy in front of it: declare proxy: { listen } for it`,
      },
    ];
  return [];
}

/** Finds the Toxiproxy and the proxy name in front of a service, or says how to declare one. */
export function resolveProxy(ctx: ChaosContext, ref: string): { url: string; proxy: string } {
  const role = roleOf(ref);
  const service = role === undefined ? ref : ctx.roles?.[role];
  if (service === undefined)
    throw new HivestormError("E_NO_ROLE", `no service for ${ref}: ${howToMap(role!)}`);
  const url = ctx.toxiproxyFor?.[service] ?? ctx.toxiproxyUrl;
  if (!url)
    throw new HivestormError("E_NO_TOXIPROXY", `no Toxiproxy to put a network fault on ${service}`, {
      hint: "run through the runner (it starts the embedded Toxiproxy) or set TOXIPROXY_URL",
    });
  const proxy = ctx.proxies[service] ?? (Object.keys(ctx.proxies).length === 0 ? service : undefined);
  if (!proxy)
    throw new HivestormError("E_NO_PROXY", `no proxy in front of service "${service}"`, {
      expected: `one of the proxied services: ${Object.keys(ctx.proxies).join(", ")}`,
      found: service,
      hint: "declare `proxy: { listen }` for that service in hivestorm.config.ts",
    });
  return { url, proxy };
}
