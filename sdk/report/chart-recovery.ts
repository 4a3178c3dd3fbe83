// Time to recover of every scenario that measured it, against its deadline, on a log scale: recoveries of a few
// ms and deadlines of 45 s both stay readable. Full scenario ids, the value written beside each bar.
import * as Plot from "@observablehq/plot";
import type { RunJournal } from "../core/journal.ts";
import { fmtDuration } from "./format.ts";
import { CHART_WIDTH, stackPanels } from "./svg.ts";

interface Row {
  id: string;
  ms: number;
  deadline: number;
  state: "recovered" | "late" | "never";
  label: string;
}

const COLORS = { recovered: "#4e79a7", late: "#f28e2b", never: "#e15759" };

export function recoveryRows(run: RunJournal): Row[] {
  return run.scenarios.flatMap((s) => {
    const r = s.recovery;
    if (!r) return [];
    const ms = r.timeToRecoverMs;
    const state = ms === null ? "never" : r.recovered ? "recovered" : "late";
    const share = ms === null ? 0 : (100 * ms) / r.deadlineMs;
    const pct = ` (${share < 0.1 ? "< 0.1" : Math.round(share * 10) / 10}% of ${fmtDuration(r.deadlineMs)})`;
    return [
      {
        id: s.id,
        ms: Math.max(1, ms ?? r.deadlineMs),
        deadline: r.deadlineMs,
        state,
        label: ms === null ? `never (deadline ${fmtDuration(r.deadlineMs)})` : `${fmtDuration(ms)}${pct}`,
      },
    ];
  });
}

/** The recovery overview, or undefined when no scenario measured a recovery. */
export function renderRecoveryOverview(run: RunJournal): string | undefined {
  const rows = recoveryRows(run);
  if (!rows.length) return undefined;
  const marginLeft = 14 + 7 * Math.max(...rows.map((r) => r.id.length));
  const top = Math.max(...rows.map((r) => Math.max(r.ms, r.deadline))) * 3;
  const states = [...new Set(rows.map((r) => r.state))];
  return stackPanels("Time to recover after the fault, against each scenario's deadline", [
    {
      height: 50 + 22 * rows.length,
      legend: [
        ...states.map((s) => ({
          label: s === "late" ? "recovered after the deadline" : s,
          color: COLORS[s],
        })),
        { label: "deadline", color: "#222", dashed: true },
      ],
      options: {
        marginLeft,
        marginRight: 20,
        width: CHART_WIDTH,
        x: {
          type: "log",
          domain: [1, top],
          label: "time to recover (ms, log scale)",
          grid: true,
          tickFormat: "~g",
        },
        y: { label: null, domain: rows.map((r) => r.id), tickSize: 0 },
        marks: [
          Plot.barX(rows, {
            x1: 1,
            x2: "ms",
            y: "id",
            fill: (d: Row) => COLORS[d.state],
            ariaDescription: "time to recover",
          }),
          Plot.tickX(rows, {
            x: "deadline",
            y: "id",
            stroke: "#222",
            strokeWidth: 2,
            strokeDasharray: "3 2",
          }),
          Plot.text(rows, {
            x: "ms",
            y: "id",
            text: "label",
            textAnchor: "start",
            dx: 6,
            fill: "#222",
          }),
        ],
      },
    },
  ]);
}
