// HAProxy's own view, read from its stats page as CSV: each server's status (UP, DOWN, "UP 1/2" while a check
// streak is under way) and the backend's retry counters. The scenarios use it to time `fall` and `rise`, and
// the config exposes the retries as the gateway's `retries` counter.
import { address, PORTS } from "./ports.ts";

export const STATS_URL = `http://${address(PORTS.stats)}/stats;csv`;

/** The backend section of haproxy.cfg, and its servers. */
export const BACKEND = "app";
export type Server = "a" | "b";

export type StatsRow = Record<string, string>;

/** Every row of the stats CSV, by column name (HAProxy's CSV has a "# " header line and no quoting). */
export async function readStats(url = STATS_URL): Promise<StatsRow[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) throw new Error(`HAProxy stats at ${url}: HTTP ${res.status}`);
  const [header, ...lines] = (await res.text()).trim().split("\n");
  const names = header.replace(/^# /, "").split(",");
  return lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

/** A server's status as HAProxy reports it: "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/2" (coming up). */
export async function serverStatus(server: Server): Promise<string> {
  const row = (await readStats()).find((r) => r.pxname === BACKEND && r.svname === server);
  if (!row) throw new Error(`HAProxy stats: no server ${server} in backend ${BACKEND}`);
  return row.status;
}

/** Retries (wretr) plus redispatches (wredis) of the backend: requests HAProxy had to send again. */
export async function retries(): Promise<number> {
  const row = (await readStats()).find((r) => r.pxname === BACKEND && r.svname === "BACKEND");
  if (!row) throw new Error(`HAProxy stats: no backend ${BACKEND}`);
  return Number(row.wretr || 0) + Number(row.wredis || 0);
}

/**
 * Polls a server's status every 50 ms until it is exactly `status`; returns how long that took in ms, or null
 * when `timeoutMs` passed (or `signal` aborted) first.
 */
export async function timeUntilStatus(
  server: Server,
  status: "UP" | "DOWN",
  o: { timeoutMs: number; signal?: AbortSignal },
): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < o.timeoutMs && !o.signal?.aborted) {
    if ((await serverStatus(server)) === status) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}
