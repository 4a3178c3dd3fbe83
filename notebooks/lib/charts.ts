/// <reference lib="dom" />
// The notebooks' own charts (the per-scenario latency chart is sdk/report/charts.ts's). Each takes the
// `document` to draw with: linkedom's in the Jupyter kernel, the browser's on an Observable page, so that both
// show the same drawing. Returns a standalone <svg> (no HTML legend) on a white background.
import * as Plot from "@observablehq/plot";
import type { RunJournal } from "../../sdk/core/journal.ts";
import type { RunComparison } from "../../sdk/report/analysis/pure.ts";

/** Time to recover per scenario against its deadline; never-recovered scenarios get a bar to the deadline. */
export function recoveryChart(run: RunJournal, document: Document): SVGSVGElement {
  const rows = run.scenarios
    .filter((s) => s.recovery)
    .map((s) => ({
      scenario: s.id,
      ms: s.recovery!.recovered ? (s.recovery!.timeToRecoverMs ?? 0) : s.recovery!.deadlineMs,
      deadline: s.recovery!.deadlineMs,
      state: s.recovery!.recovered ? "recovered" : "never recovered",
    }));
  return standalone(
    Plot.plot({
      document,
      marginLeft: 70,
      marginRight: 110,
      height: 60 + 34 * Math.max(1, rows.length),
      x: { label: "time to recover (ms)", grid: true },
      y: { label: null },
      color: { domain: ["recovered", "never recovered"], range: ["#4e79a7", "#e15759"] },
      marks: [
        Plot.barX(rows, { x: "ms", y: "scenario", fill: "state" }),
        Plot.tickX(rows, { x: "deadline", y: "scenario", stroke: "black", strokeWidth: 2 }),
        Plot.text(rows, { x: "ms", y: "scenario", text: "state", textAnchor: "start", dx: 6 }),
        Plot.ruleX([0]),
      ],
      style: { background: "white" },
    }),
  );
}

/** Head minus base p95 per scenario and window: bars right of zero are slower in head. */
export function p95DeltaChart(cmp: RunComparison, document: Document): SVGSVGElement {
  const rows = cmp.scenarios.flatMap((s) =>
    Object.entries(s.windows).flatMap(([window, w]) =>
      w.p95.delta === null ? [] : [{ key: `${s.id} ${window}`, delta: w.p95.delta }],
    ),
  );
  return standalone(
    Plot.plot({
      document,
      marginLeft: 110,
      height: 60 + 22 * Math.max(1, rows.length),
      x: { label: "p95 head − base (ms)", grid: true },
      y: { label: null, domain: rows.map((r) => r.key) },
      color: { type: "threshold", domain: [0], range: ["#59a14f", "#e15759"] },
      marks: [Plot.barX(rows, { x: "delta", y: "key", fill: "delta" }), Plot.ruleX([0])],
      style: { background: "white" },
    }),
  );
}

/** Plot returns a <figure> when it adds HTML (a title, a legend); keep only the <svg>, a standalone image. */
function standalone(node: Element): SVGSVGElement {
  const svg = (node.tagName.toLowerCase() === "svg" ? node : node.querySelector("svg")) as SVGSVGElement;
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  return svg;
}
