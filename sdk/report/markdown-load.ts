import { readLoad } from "./analysis/load-view.ts";
import { fmtMs, fmtNum, fmtPct, table, text } from "./format.ts";

/** The load section of a scenario: latency summary, throughput, errors by status and kind, thresholds. */
export function renderLoadSection(load: unknown, chart?: string): string[] {
  const view = readLoad(load);
  if (!view) return [];
  const out: string[] = ["#### Load", ""];
  if (view.description) out.push(`Plan: ${text(view.description)}`, "");
  const { latency: l, totals } = view;
  const errorRate = totals.requests ? (totals.failed ?? 0) / totals.requests : null;
  out.push(
    table(
      ["engine", "model", "requests", "ok", "failed", "error rate", "throughput", "dropped iterations"],
      [
        [
          view.engine,
          view.model,
          fmtNum(totals.requests, 0),
          fmtNum(totals.ok, 0),
          fmtNum(totals.failed, 0),
          fmtPct(errorRate),
          view.throughput === null ? null : `${fmtNum(view.throughput)} req/s`,
          fmtNum(view.droppedIterations, 0),
        ],
      ],
    ),
    "",
    table(
      ["min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"],
      [[l.min, l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map(fmtMs)],
      ["r", "r", "r", "r", "r", "r", "r", "r"],
    ),
    "",
  );
  const extra: string[] = [];
  if (totals.checks) {
    const all = totals.checks.passes + totals.checks.fails;
    extra.push(
      `checks passed: ${fmtPct(totals.checks.passes / all)} (${totals.checks.fails} of ${all} failed)`,
    );
  }
  if (totals.interrupted) extra.push(`requests in flight when the load stopped: ${totals.interrupted}`);
  if (extra.length) out.push(`${extra.join("; ")}.`, "");
  if (view.aborted) out.push(`The load was aborted: ${view.abortReason ?? "no reason recorded"}.`, "");
  const statuses = Object.entries(totals.byStatus);
  const kinds = Object.entries(totals.byKind);
  if (statuses.length || kinds.length) {
    out.push(
      "Responses by status and errors by kind:",
      "",
      table(
        ["status or kind", "count"],
        [...statuses.map(([k, n]) => [`HTTP ${k}`, n]), ...kinds.map(([k, n]) => [k, n])],
        ["l", "r"],
      ),
      "",
    );
  }
  if (view.thresholds.length) {
    out.push(
      "Thresholds:",
      "",
      table(
        ["metric", "threshold", "value", "verdict"],
        view.thresholds.map((t) => [
          t.metric,
          t.expression,
          thresholdValue(t.metric, t.value),
          t.ok ? "pass" : "FAIL",
        ]),
      ),
      "",
    );
  }
  if (chart) out.push(`![load: users, requests/s and latency over time](${chart})`, "");
  return out;
}

function thresholdValue(metric: string, value: number | null): string {
  if (value === null) return "n/a";
  if (/duration|waiting|latency/.test(metric)) return fmtMs(value);
  if (/failed|checks|rate/.test(metric)) return fmtPct(value);
  return fmtNum(value, 3);
}
