import { HivestormError } from "../../core/errors.ts";
import type { ChaosContext } from "../context.ts";

/** Finds the Toxiproxy and the proxy name in front of a service, or says how to declare one. */
export function resolveProxy(ctx: ChaosContext, service: string): { url: string; proxy: string } {
  const url = ctx.toxiproxyUrl;
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
