// Checks that judge what a resilience bug changes, read from the system's own counters, rather than a time
// that a fast machine beats or a slow one misses.
import { type Check, expect } from "../../sdk/index.ts";
import type { BurstResult } from "./resources.ts";

/**
 * Admission control held under a burst: the queen's queue never grew past its configured bound (its own
 * peak-depth counter); what it shed (429 queue full, 503 queue wait, counted by the queen) is reported beside.
 * An unbounded queue fails this at any machine speed: the burst is far larger than in-flight + queue, and the
 * hive behind its CPU quota drains it slower than it arrives, so it piles up past the bound.
 */
export function queueBounded(key: string): Check {
  return expect.custom(
    "sheds instead of queueing without bound",
    "the queen's queue depth never past its bound (the excess shed with 429/503)",
    (o) => {
      const q = (o.data[key] as BurstResult | undefined)?.queen;
      if (!q) return { ok: false, observed: "the queen's counters were not read around the burst" };
      return {
        ok: q.peakDepth <= q.bound,
        observed: `queue peak ${q.peakDepth} (bound ${q.bound}), ${q.shed} shed with 429/503 by the queen during the burst`,
      };
    },
  );
}
