// The testbed's Toxiproxy: a real one at TOXIPROXY_URL (or the url given), or the embedded server started as a
// child process; and the proxies the system declares, created on it and removed again at the end.
import { ensureProxies, removeProxy, resetProxy, toxiproxyVersion } from "../chaos/toxiproxy-client.ts";
import { HivestormError } from "../core/errors.ts";
import type { SystemDefinition } from "../system/definition.ts";
import { hostPort, portFree, portHolder } from "../system/port-holder.ts";
import { startToxiproxyProcess } from "./toxiproxy-process.ts";

/** ", held by pid N" when /proc says who holds the port. */
function holderOf(port: number): string {
  const pid = portHolder(port);
  return pid === undefined ? "" : `, held by pid ${pid}`;
}

/** Every proxy's listen port must be free: one held by a stale run is named, with the way out. */
async function assertProxyPortsFree(proxies: { name: string; listen: string }[]): Promise<void> {
  const held: string[] = [];
  for (const p of proxies) {
    const { host, port } = hostPort(p.listen);
    if (!(await portFree(host, port)))
      held.push(`${p.listen} (the proxy in front of ${p.name}${holderOf(port)})`);
  }
  if (held.length)
    throw new HivestormError("E_PORT_IN_USE", `port(s) already in use: ${held.join(", ")}`, {
      hint: "another run (or a run that was killed) holds them: stop it, or run `npx tsx scripts/reap.ts`; or move this run's ports (HIVESTORM_PORT_OFFSET for the demo's config)",
    });
}

export interface TestbedToxiproxy {
  url: string;
  embedded: boolean;
  version: string;
  /** Service name → proxy name. */
  proxies: Record<string, string>;
  /** Service name → the Toxiproxy API its proxy lives on (its own `toxiproxy`, else the run's). */
  urlOf: Record<string, string>;
  /** Removes every toxic of a service's proxy and enables it again. */
  reset(service: string): Promise<void>;
  close(): Promise<void>;
}

export async function openToxiproxy(
  system: SystemDefinition,
  o: { url?: string; log: (line: string) => void },
): Promise<TestbedToxiproxy> {
  const proxied = Object.entries(system.services).filter(([, s]) => s.proxy);
  // A service may name the Toxiproxy that fronts it (on another host: a real one, or ours started there);
  // the rest share the run's own (the embedded one, or TOXIPROXY_URL).
  const local = proxied.filter(([, s]) => !s.toxiproxy);
  const remote = proxied.filter(([, s]) => s.toxiproxy);
  // On a Toxiproxy of the user's, the proxies may rightly exist already (populate keeps identical ones).
  if (!o.url) await assertProxyPortsFree(local.map(([name, s]) => ({ name, listen: s.proxy!.listen })));
  const needOwn = local.length > 0 || remote.length === 0;
  const server = o.url || !needOwn ? undefined : await startToxiproxyProcess();
  const url = o.url ?? server?.url ?? remote[0][1].toxiproxy!;
  const urlOf: Record<string, string> = Object.fromEntries(proxied.map(([n, s]) => [n, s.toxiproxy ?? url]));
  const created: { url: string; name: string }[] = [];
  try {
    const version = await toxiproxyVersion(url);
    o.log(`toxiproxy ${server ? "embedded" : "external"} ${version} at ${url}`);
    for (const at of new Set(Object.values(urlOf))) {
      const here = proxied.filter(([n]) => urlOf[n] === at);
      if (at !== url)
        o.log(`toxiproxy ${await toxiproxyVersion(at)} at ${at} fronts ${here.map(([n]) => n).join(", ")}`);
      await ensureProxies(
        at,
        here.map(([name, s]) => {
          const u = new URL(s.url);
          return { name, listen: s.proxy!.listen, upstream: `${u.hostname}:${u.port}` };
        }),
      );
      created.push(...here.map(([name]) => ({ url: at, name })));
    }
    const proxies = Object.fromEntries(proxied.map(([name]) => [name, name]));
    return {
      url,
      embedded: Boolean(server),
      version,
      proxies,
      urlOf,
      reset: (service) => resetProxy(urlOf[service] ?? url, proxies[service] ?? service),
      close: async () => {
        // On a Toxiproxy not ours the proxies we created are ours to remove; the embedded one goes whole.
        for (const c of created) if (!(server && c.url === url)) await removeProxy(c.url, c.name);
        await server?.close();
      },
    };
  } catch (error) {
    for (const c of created) if (!(server && c.url === url)) await removeProxy(c.url, c.name);
    await server?.close();
    throw error;
  }
}
