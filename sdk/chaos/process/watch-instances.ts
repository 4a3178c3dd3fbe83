// After an instance is killed: how long until its owner stops listing it (eviction), and how long until the
// owner has as many ready instances as before, with new ids (replacement). Polled from the owner's own list,
// so that the numbers are what the system believes, not what we did.
import type { InstanceInfo } from "../../system/definition.ts";

export interface WatchOptions {
  /** The owner's current list (e.g. the hive's GET /v1/workers). */
  list: () => Promise<InstanceInfo[]>;
  /** Ids listed before the hit (so that a replacement is known by its new id); else the first listing. */
  known?: readonly string[];
  /** Ids of the instances that were hit. */
  dead: readonly string[];
  /** Epoch ms of the hit. */
  since: number;
  /** Ready instances that count as capacity back (usually the count before the fault). */
  expectedReady: number;
  /** Give up after this long (ms) from `since`. */
  deadlineMs: number;
  /** Stop waiting for evictions after this long (default `deadlineMs`): a dead instance still listed then is not evicted. */
  evictionDeadlineMs?: number;
  /** The state that counts as ready; default "ready". */
  readyState?: string;
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface WatchResult {
  /** Per dead id: ms from the hit until it was no longer listed; null when still listed at the deadline. */
  evictedAfterMs: Record<string, number | null>;
  /** The slowest eviction, or null when one never happened. */
  allEvictedAfterMs: number | null;
  /** Ms until `expectedReady` instances were ready and none of them was a dead one; null if never. */
  replacedAfterMs: number | null;
  /** Ids listed as ready at the end that were not listed before the hit. */
  newIds: string[];
  /** The last listing seen of each dead id while it was still listed (its counters, its state). */
  lastSeen: Record<string, InstanceInfo>;
  /** The fewest ready instances seen: the capacity the system was left with. */
  minReady: number;
  polls: number;
}

export async function watchInstances(o: WatchOptions): Promise<WatchResult> {
  const ready = o.readyState ?? "ready";
  const evictedAfterMs: Record<string, number | null> = Object.fromEntries(o.dead.map((id) => [id, null]));
  const lastSeen: Record<string, InstanceInfo> = {};
  const before = new Set([...o.dead, ...(o.known ?? [])]);
  let replacedAfterMs: number | null = null;
  let newIds: string[] = [];
  let minReady = Number.POSITIVE_INFINITY;
  let polls = 0;
  let first = true;
  for (;;) {
    const now = Date.now();
    const list = await o.list().catch(() => undefined);
    polls++;
    if (list) {
      const ids = new Set(list.map((i) => i.id));
      if (first && !o.known) for (const i of list) if (!o.dead.includes(i.id)) before.add(i.id);
      first = false;
      for (const id of o.dead) {
        const seen = list.find((i) => i.id === id);
        if (seen) lastSeen[id] = seen;
        if (!ids.has(id) && evictedAfterMs[id] === null) evictedAfterMs[id] = now - o.since;
      }
      const readyList = list.filter((i) => i.state === ready && !o.dead.includes(i.id));
      minReady = Math.min(minReady, readyList.length);
      newIds = readyList.filter((i) => !before.has(i.id)).map((i) => i.id);
      if (replacedAfterMs === null && readyList.length >= o.expectedReady && newIds.length >= o.dead.length)
        replacedAfterMs = now - o.since;
    }
    const evictionsDone =
      o.dead.every((id) => evictedAfterMs[id] !== null) ||
      now - o.since >= (o.evictionDeadlineMs ?? o.deadlineMs);
    if ((evictionsDone && replacedAfterMs !== null) || now - o.since >= o.deadlineMs || o.signal?.aborted)
      break;
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 100));
  }
  const times = Object.values(evictedAfterMs);
  return {
    evictedAfterMs,
    allEvictedAfterMs: times.some((t) => t === null) ? null : Math.max(0, ...(times as number[])),
    replacedAfterMs,
    newIds,
    lastSeen,
    minReady: Number.isFinite(minReady) ? minReady : 0,
    polls,
  };
}
