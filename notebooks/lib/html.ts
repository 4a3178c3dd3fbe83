// Views as HTML, for the Observable pages (the Jupyter notebooks show them as Markdown).
import type { View } from "./views.ts";

/** A View as an HTML table element of `document` (a browser's, or linkedom's). */
export function toHtmlTable(view: View, document: Document): HTMLTableElement {
  const t = document.createElement("table");
  const head = t.createTHead().insertRow();
  for (const h of view.header) head.appendChild(document.createElement("th")).textContent = h;
  const body = t.createTBody();
  for (const row of view.rows) {
    const tr = body.insertRow();
    row.forEach((value, i) => {
      const td = tr.insertCell();
      td.textContent = value;
      if (view.align?.[i] === "r") td.style.textAlign = "right";
    });
  }
  return t;
}

type Child = string | Node | null | undefined | false | Child[];

/**
 * A tiny element builder for the pages: `h("p", "Read from ", h("code", path))`. Text is always a text node
 * (never parsed as HTML). The pages avoid the implicit `html` global, which loads htl from a CDN at view time.
 */
export function builder(document: Document) {
  return function h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    ...children: Child[]
  ): HTMLElementTagNameMap[K] {
    const element = document.createElement(tag);
    const add = (c: Child) => {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) c.forEach(add);
      else element.append(typeof c === "string" ? document.createTextNode(c) : c);
    };
    children.forEach(add);
    return element;
  };
}

/** An SVG string (a chart from sdk/report/charts.ts) as an element. */
export function svgElement(document: Document, svg: string): HTMLElement {
  const figure = document.createElement("figure");
  figure.innerHTML = svg;
  return figure;
}
