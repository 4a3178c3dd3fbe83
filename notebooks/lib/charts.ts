/// <reference lib="dom" />
// The notebooks' own charts (the per-scenario and load charts are sdk/report's). Each takes the `document` to
// draw with: linkedom's in the Jupyter kernel, the browser's on an Observable page, so that both show the same
// drawing. Returns one standalone <svg> (no HTML legend) on a white background, its title and legend inside.
import * as Plot from "@observablehq/plot";
import type { RunJournal } from "../../sdk/core/journal.ts";
import type { RunComparison } from "../../sdk/report/analysis/pure.ts";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 800;
const COLORS = { recovered: "#4e79a7", late: "#f28e2b", never: "#e15759" };

/**
 * Time to recover per scenario against its deadline, on a log scale (recoveries of a few ms and deadlines of
 * tens of seconds both readable), full ids, the value and its share of the deadline written beside each bar.
 */
export function recoveryChart(run: RunJournal, document: Document): SVGSVGElement {
  const rows = run.scenarios.flatMap((s) => {
    const r = s.recovery;
    if (!r) return [];
    const ms = r.timeToRecoverMs;
    const state = ms === null ? "never" : r.recovered ? "recovered" : "late";
    const share = ms === null ? 0 : (100 * ms) / r.deadlineMs;
    const label =
      ms === null
        ? `never (deadline ${r.deadlineMs / 1000} s)`
        : `${ms} ms (${share < 0.1 ? "< 0.1" : Math.round(share * 10) / 10}% of ${r.deadlineMs / 1000} s)`;
    return [{ id: s.id, ms: Math.max(1, ms ?? r.deadlineMs), deadline: r.deadlineMs, state, label }];
  });
  const top = Math.max(10, ...rows.map((r) => Math.max(r.ms, r.deadline))) * 3;
  const plot = Plot.plot({
    document,
    width: WIDTH,
    marginLeft: 14 + 7 * Math.max(4, ...rows.map((r) => r.id.length)),
    marginRight: 20,
    height: 50 + 22 * Math.max(1, rows.length),
    x: { type: "log", domain: [1, top], label: "time to recover (ms, log scale)", grid: true },
    y: { label: null, domain: rows.map((r) => r.id), tickSize: 0 },
    marks: [
      Plot.barX(rows, { x1: 1, x2: "ms", y: "id", fill: (d) => COLORS[d.state as keyof typeof COLORS] }),
      Plot.tickX(rows, { x: "deadline", y: "id", stroke: "#222", strokeWidth: 2, strokeDasharray: "3 2" }),
      Plot.text(rows, {
        x: "ms",
        y: "id",
        text: "label",
        textAnchor: "start",
        dx: 6,
      }),
    ],
    style: { background: "white" },
  });
  return titled(
    document,
    "Time to recover after the fault, against each scenario's deadline",
    [
      ...[
        { label: "recovered", color: COLORS.recovered, state: "recovered" },
        { label: "recovered after the deadline", color: COLORS.late, state: "late" },
        { label: "never recovered", color: COLORS.never, state: "never" },
      ].filter((l) => rows.some((r) => r.state === l.state)),
      { label: "deadline (dashed tick)", color: "#222" },
    ],
    [plot],
  );
}

/**
 * Head minus base per scenario and window, two panels side by side: the p95 delta (ms) and the error-rate delta
 * (percentage points), so that a latency change is never read without the errors beside it.
 */
export function p95DeltaChart(cmp: RunComparison, document: Document): SVGSVGElement {
  // Windows whose p95 moved by 5 ms or more, or whose error rate moved at all: the table beside lists them all.
  const rows = cmp.scenarios.flatMap((s) =>
    Object.entries(s.windows).flatMap(([window, w]) => {
      const p95 = w.p95.delta;
      const errors = w.errorRate.delta === null ? null : w.errorRate.delta * 100;
      const moved = (p95 !== null && Math.abs(p95) >= 5) || (errors !== null && errors !== 0);
      return moved ? [{ key: `${s.id} ${window}`, p95, errors }] : [];
    }),
  );
  const keys = rows.map((r) => r.key);
  const marginLeft = 14 + 6.5 * Math.max(6, ...keys.map((k) => k.length));
  const height = 50 + 16 * Math.max(1, rows.length);
  const panel = (field: "p95" | "errors", label: string, width: number, left: number) =>
    Plot.plot({
      document,
      width,
      height,
      marginLeft: left,
      marginRight: 16,
      // Fixed, so that the rows of both panels line up whatever axes each one draws.
      marginTop: 10,
      marginBottom: 36,
      x: { label, grid: true },
      y: { label: null, domain: keys, axis: left > 20 ? "left" : null, tickSize: 0 },
      color: { type: "threshold", domain: [0], range: ["#59a14f", "#e15759"] },
      marks: [
        Plot.barX(
          rows.filter((r) => r[field] !== null),
          { x: field, y: "key", fill: field },
        ),
        Plot.ruleX([0]),
      ],
      style: { background: "white" },
    });
  const left = panel(
    "p95",
    "p95 head − base (ms)",
    Math.round(marginLeft + (WIDTH - marginLeft) / 2),
    marginLeft,
  );
  const right = panel(
    "errors",
    "error rate head − base (pp)",
    WIDTH - Math.round(marginLeft + (WIDTH - marginLeft) / 2),
    10,
  );
  return titled(
    document,
    "Head − base per scenario and window (p95 moved ≥ 5 ms or errors changed)",
    [
      { label: "worse in head (slower, more errors)", color: "#e15759" },
      { label: "better in head", color: "#59a14f" },
    ],
    [left, right],
    "row",
  );
}

/** Plot's output (an <svg>, or a <figure> when it adds HTML) as its <svg>. */
function svgOf(node: Element): SVGSVGElement {
  return (node.tagName.toLowerCase() === "svg" ? node : node.querySelector("svg")) as SVGSVGElement;
}

// A title row, a legend row, then the panels (stacked, or side by side), in one standalone SVG.
function titled(
  document: Document,
  title: string,
  legend: { label: string; color: string }[],
  panels: Element[],
  layout: "column" | "row" = "column",
): SVGSVGElement {
  const root = document.createElementNS(SVG_NS, "svg") as SVGSVGElement;
  const text = (x: number, y: number, value: string, size: number, bold = false) => {
    const t = document.createElementNS(SVG_NS, "text");
    t.setAttribute("x", String(x));
    t.setAttribute("y", String(y));
    t.setAttribute("font-size", String(size));
    if (bold) t.setAttribute("font-weight", "bold");
    t.textContent = value;
    root.appendChild(t);
  };
  text(10, 18, title, 14, true);
  let x = 10;
  for (const entry of legend) {
    const r = document.createElementNS(SVG_NS, "rect");
    for (const [k, v] of Object.entries({ x, y: 28, width: 12, height: 10, fill: entry.color }))
      r.setAttribute(k, String(v));
    root.appendChild(r);
    text(x + 16, 37, entry.label, 11);
    x += 30 + entry.label.length * 6.2;
  }
  let y = 46;
  let offset = 0;
  let height = 0;
  for (const node of panels) {
    const svg = svgOf(node);
    svg.setAttribute("x", String(layout === "row" ? offset : 0));
    svg.setAttribute("y", String(y));
    const w = Number(svg.getAttribute("width"));
    const h = Number(svg.getAttribute("height"));
    root.appendChild(svg);
    if (layout === "row") {
      offset += w;
      height = Math.max(height, h);
    } else y += h;
  }
  const total = layout === "row" ? y + height : y;
  root.setAttribute("xmlns", SVG_NS);
  root.setAttribute("width", String(WIDTH));
  root.setAttribute("height", String(total));
  root.setAttribute("viewBox", `0 0 ${WIDTH} ${total}`);
  root.setAttribute("font-family", "Helvetica, Arial, sans-serif");
  root.setAttribute("style", "background: white");
  return root;
}
