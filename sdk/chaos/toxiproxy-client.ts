// Drives any Toxiproxy (the embedded server or a real one) through its HTTP API, with toxiproxy-node-client.
// The client's errors carry only the status code, so every call here says what it was doing and what to check.
import { Toxiproxy } from "toxiproxy-node-client";
import { FaultError } from "../core/errors.ts";

export interface ToxicBody {
  name: string;
  type: string;
  stream: "upstream" | "downstream";
  toxicity: number;
  attributes: Record<string, number>;
}

export interface ProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled?: boolean;
}

export function toxiproxyClient(url: string): Toxiproxy {
  return new Toxiproxy(url.replace(/\/$/, ""));
}

export async function addToxic(url: string, proxy: string, body: ToxicBody): Promise<void> {
  await call(`add toxic ${body.name} to proxy ${proxy} at ${url}`, async () => {
    const p = await toxiproxyClient(url).get(proxy);
    // The client's type list lacks some upstream types (noop); the server validates the type.
    await p.addToxic(body as never);
  });
}

/** Removes a toxic; one that is already gone counts as removed (revert is idempotent). */
export async function removeToxic(url: string, proxy: string, name: string): Promise<void> {
  const res = await fetch(
    `${url.replace(/\/$/, "")}/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`,
    {
      method: "DELETE",
    },
  ).catch((error: unknown) => {
    throw new FaultError(
      `could not remove toxic ${name} from proxy ${proxy}: Toxiproxy at ${url} unreachable`,
      {
        hint: "if the Toxiproxy was restarted, its toxics are gone already; otherwise run `npx tsx scripts/reap.ts`",
      },
      { cause: error },
    );
  });
  if (res.status !== 204 && res.status !== 404)
    throw new FaultError(
      `could not remove toxic ${name} from proxy ${proxy}: HTTP ${res.status} ${await res.text()}`,
    );
}

export async function setProxyEnabled(url: string, proxy: string, enabled: boolean): Promise<void> {
  await call(`${enabled ? "enable" : "disable"} proxy ${proxy} at ${url}`, async () => {
    const p = await toxiproxyClient(url).get(proxy);
    await p.update({ enabled, listen: p.listen, upstream: p.upstream });
  });
}

/** Creates or keeps the proxies (populate semantics: an identical proxy is left as it is). */
export async function ensureProxies(url: string, proxies: ProxyConfig[]): Promise<void> {
  await call(`create proxies ${proxies.map((p) => p.name).join(", ")} at ${url}`, async () => {
    await toxiproxyClient(url).populate(proxies.map((p) => ({ enabled: true, ...p })));
  });
}

export async function removeProxy(url: string, name: string): Promise<void> {
  await fetch(`${url.replace(/\/$/, "")}/proxies/${encodeURIComponent(name)}`, { method: "DELETE" }).catch(
    () => {},
  );
}

export async function toxiproxyVersion(url: string): Promise<string> {
  return call(`read the version of the Toxiproxy at ${url}`, async () => {
    const text = await toxiproxyClient(url).getVersion();
    return (JSON.parse(String(text)) as { version: string }).version;
  });
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new FaultError(
      `could not ${what}: ${(error as Error).message}`,
      {
        hint: "check that the Toxiproxy is running (TOXIPROXY_URL or the runner's embedded one) and that the proxy exists: GET /proxies",
      },
      { cause: error },
    );
  }
}

/** Removes every toxic of a proxy and enables it: the proxy as the testbed created it. */
export async function resetProxy(url: string, proxy: string): Promise<void> {
  await call(`reset proxy ${proxy} at ${url}`, async () => {
    const base = `${url.replace(/\/$/, "")}/proxies/${encodeURIComponent(proxy)}`;
    const res = await fetch(`${base}/toxics`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`GET ${base}/toxics answered ${res.status}`);
    for (const t of (await res.json()) as { name: string }[]) await removeToxic(url, proxy, t.name);
    const p = await toxiproxyClient(url).get(proxy);
    if (!p.enabled) await p.update({ enabled: true, listen: p.listen, upstream: p.upstream });
  });
}
