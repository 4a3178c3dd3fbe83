// Checks the load scenarios share: judged on what the run measured, never assumed.
import { expect, type LoadResult, type ScenarioContext } from "../../sdk/index.ts";

/** Whether the load the scenario ran missed any of its thresholds. */
export function thresholdsFailed(ctx: ScenarioContext): boolean {
  return Boolean((ctx.recorded<LoadResult>("load") as LoadResult | undefined)?.thresholdsFailed);
}

interface HealthSample {
  t: number;
  ok: boolean;
  ms: number;
}

/** The service's health probe kept answering 2xx while the load ran (no crash, no wedge). */
export function healthKeptAnswering(minShare: number) {
  return expect.custom(
    "health kept answering under load",
    `>= ${minShare * 100}% of 1-s probes answered 2xx`,
    (o) => {
      const h = (o.data.health as HealthSample[] | undefined) ?? [];
      const ok = h.filter((x) => x.ok).length;
      return { ok: h.length > 0 && ok / h.length >= minShare, observed: `${ok}/${h.length} probes answered` };
    },
  );
}

interface LoadTotalsLike {
  totals: {
    requests: number;
    failed: number;
    byStatus: Record<string, number>;
    byKind: Record<string, number>;
  };
}

/** Overload is shed cleanly: failed requests are 429/503 answers, not timeouts, resets or other 5xx. */
export function overloadShedCleanly(minShare: number) {
  return expect.custom(
    "overload shed cleanly (429/503), not by timeouts, resets or crashes",
    `>= ${minShare * 100}% of failures are 429 or 503`,
    (o) => {
      const t = (o.data.load as LoadTotalsLike | undefined)?.totals;
      if (!t) return { ok: false, observed: "no load result" };
      const shed = (t.byStatus["429"] ?? 0) + (t.byStatus["503"] ?? 0);
      const other = Object.entries(t.byStatus)
        .filter(([s]) => !["429", "503"].includes(s) && !(Number(s) >= 200 && Number(s) < 400))
        .map(([s, n]) => `${s === "0" ? "no answer" : s}: ${n}`);
      const share = t.failed ? shed / t.failed : 1;
      return {
        ok: share >= minShare,
        observed: `${t.failed} of ${t.requests} failed; ${shed} shed${other.length ? `; others ${other.join(", ")}` : ""}`,
      };
    },
  );
}

/** Once the load is gone the service answers normally again within `deadlineMs` (measured, not assumed). */
export function recoveredAfterLoad(deadlineMs: number) {
  return expect.custom("serves normally again after the load", `within ${deadlineMs / 1000} s`, (o) => {
    const ms = o.data.recoveredAfterMs as number | null | undefined;
    return {
      ok: typeof ms === "number" && ms <= deadlineMs,
      observed: typeof ms === "number" ? `after ${ms} ms` : "not within 30 s",
    };
  });
}
