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
