// Standalone SVG documents from Observable Plot, drawn server-side on linkedom's DOM.
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
export function plotDocument(): PlotDocument {
  shared ??= (parseHTML("<!doctype html><html><body></body></html>") as unknown as { document: PlotDocument })
    .document;
  return shared;
}

export interface LegendEntry {
  label: string;
  color: string;
  /** A dashed line rather than a filled swatch (planned values, limits). */
  dashed?: boolean;
}

export interface Panel {
  height: number;
  options: Plot.PlotOptions;
  /** Swatches drawn on their own row above the panel: never over the title or the marks. */
  legend?: LegendEntry[];
}

const LEGEND_ROW = 18;
const CHAR_WIDTH = 6.2;

/**
 * Stacks Plot panels into one standalone SVG (xmlns, white background, fixed font), the title on its own row
 * and each panel's legend on rows of their own. A plain nested <svg> per panel keeps it free of HTML (no
 * <figure> legends), so it renders as an <img>.
 */
export function stackPanels(title: string, panels: Panel[]): string {
  let y = 26;
  const parts: string[] = [];
  for (const panel of panels) {
    if (panel.legend?.length) {
      const { items, height } = legendRows(panel.legend, y);
      parts.push(...items);
      y += height;
    }
    const svg = Plot.plot({
      // Room for tick labels such as "12,000" on the left.
      marginLeft: 52,
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
    `<text x="10" y="18" font-size="14" font-weight="bold" fill="#222">${xmlText(title)}</text>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

// Swatches left to right from the panel's left margin, wrapping onto another row rather than overlapping.
function legendRows(legend: LegendEntry[], top: number): { items: string[]; height: number } {
  const items: string[] = [];
  const left = 52;
  let x = left;
  let row = 0;
  for (const entry of legend) {
    const width = 22 + entry.label.length * CHAR_WIDTH;
    if (x + width > CHART_WIDTH - 10 && x > left) {
      row++;
      x = left;
    }
    const cy = top + row * LEGEND_ROW + 9;
    items.push(
      entry.dashed
        ? `<line x1="${x}" x2="${x + 14}" y1="${cy}" y2="${cy}" stroke="${xmlAttr(entry.color)}" stroke-width="2" stroke-dasharray="4 2"/>`
        : `<rect x="${x}" y="${cy - 5}" width="14" height="10" fill="${xmlAttr(entry.color)}"/>`,
      `<text x="${x + 18}" y="${cy + 4}" font-size="11" fill="#222">${xmlText(entry.label)}</text>`,
    );
    x += width + 10;
  }
  return { items, height: (row + 1) * LEGEND_ROW };
}
