// Toxiproxy records: toxics, a disabled proxy, a proxy the run created on an external server. A Toxiproxy
// that no longer answers has lost every proxy and toxic with it (its state lives in memory): that is "gone",
// not a failure.
import { removeToxic, setProxyEnabled } from "../chaos/toxiproxy-client.ts";
import type { ReapRecord } from "../core/ledger-file.ts";
import { gone, type Reaper } from "./outcome.ts";

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url.replace(/\/$/, "")}/version`, { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
}

const whenServerAnswers =
  (act: (r: ReapRecord) => Promise<void>): Reaper =>
  async (r) => {
    if (!(await answers(String(r.url))))
      return gone(`the Toxiproxy at ${String(r.url)} is not running: its proxies and toxics went with it`);
    await act(r);
  };

export const NETWORK_REAPERS: Readonly<Record<string, Reaper>> = {
  "toxiproxy-toxics": whenServerAnswers(async (r) => {
    for (const name of (r.toxics as string[]) ?? []) await removeToxic(String(r.url), String(r.proxy), name);
  }),
  "toxiproxy-enable": whenServerAnswers((r) => setProxyEnabled(String(r.url), String(r.proxy), true)),
  /** A proxy the run created on an external Toxiproxy. */
  "toxiproxy-proxy": async (r) => {
    const url = String(r.url).replace(/\/$/, "");
    if (!(await answers(url))) return gone(`the Toxiproxy at ${url} is not running`);
    const res = await fetch(`${url}/proxies/${encodeURIComponent(String(r.proxy))}`, {
      method: "DELETE",
      signal: AbortSignal.timeout(3000),
    });
    if (res.status === 404) return gone(`proxy ${String(r.proxy)} is no longer on ${url}`);
    if (!res.ok) throw new Error(`DELETE proxy ${String(r.proxy)} at ${url}: HTTP ${res.status}`);
  },
};
