// Standalone SVG documents from Observable Plot, drawn server-side on linkedom's DOM (reference/notebooks.md §5).
import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { xmlAttr, xmlText } from "./xml.ts";

export const CHART_WIDTH = 800;
export const CHART_FONT = "Helvetica, Arial, sans-serif";

type PlotDocument = Plot.PlotOptions["document"];
// What we use of the element Plot returns (the project compiles without the DOM lib).
interface SvgElementLike {
  setAttribute(name: string, value: string): void;
  outerHTML: string;
}

// One DOM for every chart: Plot only creates detached elements in it.
let shared: PlotDocument | undefined;
function plotDocument(): PlotDocument {
  shared ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: PlotDocument })
    .document;
  return shared;
}

export interface LegendEntry {
  label: string;
  color: string;
}

export interface Panel {
  height: number;
  options: Plot.PlotOptions;
}

/**
 * Stacks Plot panels into one standalone SVG (xmlns, white background, fixed font), with a title on top. A
 * plain nested <svg> per panel keeps it free of HTML (no <figure> legends), so it renders as an <img>.
 */
export function stackPanels(title: string, legend: LegendEntry[], panels: Panel[]): string {
  const titleHeight = 28;
  let y = titleHeight;
  const parts: string[] = [];
  for (const panel of panels) {
    const svg = Plot.plot({
      ...panel.options,
      document: plotDocument(),
      width: CHART_WIDTH,
      height: panel.height,
      style: { fontFamily: CHART_FONT, fontSize: "11px", background: "white", color: "#222" },
    }) as unknown as SvgElementLike;
    svg.setAttribute("x", "0");
    svg.setAttribute("y", String(y));
    parts.push(svg.outerHTML);
    y += panel.height;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${y}" viewBox="0 0 ${CHART_WIDTH} ${y}" font-family="${CHART_FONT}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="19" font-size="14" font-weight="bold" fill="#222">${xmlText(title)}</text>`,
    ...legendItems(legend),
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

// Swatches as SVG (Plot's own legend is HTML), right-aligned on the title line.
function legendItems(legend: LegendEntry[]): string[] {
  let x = CHART_WIDTH - 10;
  const items: string[] = [];
  for (const entry of [...legend].reverse()) {
    const width = 18 + entry.label.length * 6.2;
    x -= width;
    items.push(
      `<rect x="${x}" y="9" width="12" height="12" fill="${xmlAttr(entry.color)}"/>`,
      `<text x="${x + 16}" y="19" font-size="11" fill="#222">${xmlText(entry.label)}</text>`,
    );
    x -= 8;
  }
  return items;
}
