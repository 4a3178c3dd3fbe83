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

export async function showMarkdown(text: string): Promise<void> {
  await Deno.jupyter.display({ "text/markdown": text }, { raw: true });
}

/** Shows an SVG chart as an image output (image/svg+xml), which nbconvert exports as a file. */
export async function showSvg(svg: string | Element): Promise<void> {
  const markup = typeof svg === "string" ? svg : svg.outerHTML;
  await Deno.jupyter.display({ "image/svg+xml": markup }, { raw: true });
}
