/// <reference lib="dom" />
// Display helpers for the Jupyter notebooks (Deno kernel). Charts are drawn on linkedom's document: the kernel
// has no DOM, and the same chart code draws on the browser's document in the Observable pages.
import { parseHTML } from "linkedom";

/** A DOM document for Observable Plot to draw on. */
export const document: Document = (
  parseHTML("<!doctype html><html><body></body></html>") as unknown as {
    document: Document;
  }
).document;

/** The metadata key under which a cell declares how many outputs follow (see expectOutputs). */
export const EXPECTED_OUTPUTS = "hivestorm_expected_outputs";

export async function showMarkdown(text: string): Promise<void> {
  await Deno.jupyter.display({ "text/markdown": text }, { raw: true });
}

/**
 * Shows an SVG chart. Two forms in one output: `text/html`, an <img> with the SVG as a data URI, which the
 * HTML export embeds as is (nbconvert passes raw `image/svg+xml` through its HTML cleaner, which strips every
 * <path>, <line> and <g> of it); and `image/svg+xml`, which the Markdown export writes as a file beside it.
 */
export async function showSvg(svg: string | Element, alt = "chart"): Promise<void> {
  const markup = typeof svg === "string" ? svg : svg.outerHTML;
  await Deno.jupyter.display({ "text/html": svgImage(markup, alt), "image/svg+xml": markup }, { raw: true });
}

/** An SVG document as an <img> with a base64 data URI: self-contained, and no markup for a cleaner to strip. */
export function svgImage(svg: string, alt: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  const escaped = alt.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return `<img class="hivestorm-chart" alt="${escaped}" src="data:image/svg+xml;base64,${btoa(binary)}">`;
}

/**
 * Declares that `count` more outputs follow in this cell: the runner fails the notebook when fewer arrive (the
 * Deno kernel can drop a cell's last outputs). Shown as a one-line Markdown note.
 */
export async function expectOutputs(count: number, note: string): Promise<void> {
  // display() sends no output metadata; a display_data message of our own carries it.
  await Deno.jupyter.broadcast("display_data", {
    data: { "text/markdown": note },
    metadata: { [EXPECTED_OUTPUTS]: count },
    transient: {},
  });
}
