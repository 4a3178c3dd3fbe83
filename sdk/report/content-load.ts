// The load part of a scenario's section: plan as run, totals, latency, statuses, thresholds (judged or only
// reported), charts.
import { readLoad } from "./analysis/load-view.ts";
import { readLoadStreams } from "./analysis/stream-view.ts";
import type { Block, Figure } from "./document.ts";
import { fmtMs, fmtNum, fmtPct } from "./format.ts";
import { planWords } from "./load-plan-words.ts";
import { thresholdState, thresholdStateWords, thresholdWords } from "./threshold-words.ts";

export function loadBlocks(load: unknown, judged: boolean, figures: Figure[] = []): Block[] {
  const view = readLoad(load);
  if (!view) return [];
  const out: Block[] = [{ kind: "heading", level: 4, text: "Load" }];
  const plan = planWords(view);
  if (plan) out.push({ kind: "paragraph", content: [{ text: "Plan as run:", strong: true }, ` ${plan}`] });
  const { latency: l, totals } = view;
  const errorRate = totals.requests ? (totals.failed ?? 0) / totals.requests : null;
  out.push(
    {
      kind: "table",
      header: [
        "engine",
        "model",
        "requests",
        "ok",
        "failed",
        "error rate",
        "throughput",
        "dropped iterations",
      ],
      rows: [
        [
          view.engine ?? "n/a",
          view.model ?? "n/a",
          fmtNum(totals.requests, 0),
          fmtNum(totals.ok, 0),
          fmtNum(totals.failed, 0),
          fmtPct(errorRate),
          view.throughput === null ? "n/a" : `${fmtNum(view.throughput)} req/s`,
          fmtNum(view.droppedIterations, 0),
        ],
      ],
    },
    {
      kind: "table",
      header: ["min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"],
      rows: [[l.min, l.mean, l.p50, l.p90, l.p95, l.p99, l.p999, l.max].map(fmtMs)],
      align: ["r", "r", "r", "r", "r", "r", "r", "r"],
    },
  );
  const streams = readLoadStreams(load);
  if (streams) {
    const cut = Object.entries(streams.byCut).map(([k, n]) => `${k} ${n}`);
    out.push(
      {
        kind: "paragraph",
        content: `Token streams: ${fmtNum(streams.streams, 0)} streams, ${fmtNum(streams.cut, 0)} cut${cut.length ? ` (${cut.join(", ")})` : ""}; ${fmtNum(streams.tokens, 0)} tokens, ${fmtNum(streams.tokensPerSecond)} tokens/s beside ${view.throughput === null ? "n/a" : fmtNum(view.throughput)} req/s.`,
      },
      {
        kind: "table",
        header: ["token metric", "p50", "p95", "p99", "max"],
        rows: [
          [
            "time to first token",
            ...[streams.ttft.p50, streams.ttft.p95, streams.ttft.p99, streams.ttft.max].map(fmtMs),
          ],
          [
            "inter-token latency",
            ...[streams.itl.p50, streams.itl.p95, streams.itl.p99, streams.itl.max].map(fmtMs),
          ],
          [
            "time per output token",
            ...[streams.tpot.p50, streams.tpot.p95, streams.tpot.p99, streams.tpot.max].map(fmtMs),
          ],
        ],
        align: ["l", "r", "r", "r", "r"],
      },
    );
  }
  const extra: string[] = [];
  if (totals.checks) {
    const all = totals.checks.passes + totals.checks.fails;
    extra.push(
      `checks passed: ${fmtPct(totals.checks.passes / all)} (${totals.checks.fails} of ${all} failed)`,
    );
  }
  if (totals.interrupted) extra.push(`requests in flight when the load stopped: ${totals.interrupted}`);
  if (extra.length) out.push({ kind: "paragraph", content: `${extra.join("; ")}.` });
  if (view.aborted)
    out.push({
      kind: "paragraph",
      content: { text: `The load was aborted: ${view.abortReason ?? "no reason recorded"}.`, tone: "fail" },
    });
  const statuses = Object.entries(totals.byStatus);
  const kinds = Object.entries(totals.byKind);
  if (statuses.length || kinds.length)
    out.push(
      { kind: "paragraph", content: "Responses by status and errors by kind:" },
      {
        kind: "table",
        header: ["status or kind", "count"],
        rows: [
          ...statuses.map(([k, n]) => [`HTTP ${k}`, String(n)]),
          ...kinds.map(([k, n]) => [k, String(n)]),
        ],
        align: ["l", "r"],
      },
    );
  if (view.thresholds.length) {
    out.push({
      kind: "paragraph",
      content: judged
        ? "Thresholds (judged: one that fails fails the scenario):"
        : "Thresholds (reported, not judged: this scenario measures them without expecting them to hold):",
    });
    out.push({
      kind: "table",
      header: ["metric", "threshold", "value", "verdict", "in words"],
      rows: view.thresholds.map((t) => {
        const state = thresholdState(judged, t);
        return [
          t.metric,
          t.expression,
          thresholdValue(t.metric, t.value),
          { text: thresholdStateWords(state, t.ok), tone: state },
          thresholdWords(t),
        ];
      }),
    });
  }
  for (const figure of figures) out.push({ kind: "figure", figure });
  return out;
}

function thresholdValue(metric: string, value: number | null): string {
  if (value === null) return "n/a";
  if (/duration|waiting|latency|time_to_first_token|time_per_output_token/.test(metric)) return fmtMs(value);
  if (/failed|checks|rate|streams_cut/.test(metric)) return fmtPct(value);
  return fmtNum(value, 3);
}
