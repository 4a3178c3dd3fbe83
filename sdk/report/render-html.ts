// The report's blocks as one self-contained HTML page (report.html): inline CSS and inline SVG charts, no
// script, no network, so that it opens from disk (file://) in any browser.
import type { Block, Inline } from "./document.ts";
import { spans } from "./document.ts";
import { REPORT_CSS } from "./html-style.ts";
import { xmlAttr as attr, xmlText as esc } from "./xml.ts";

export function renderHtml(blocks: Block[], title: string): string {
  // The leading title and verdict make the banner; everything else is the page.
  const [first, second] = blocks;
  const hasBanner = first?.kind === "heading" && second?.kind === "verdict";
  const banner = hasBanner ? verdictBanner(first.text, second) : "";
  const body = hasBanner ? blocks.slice(2) : blocks;
  const links = blocks
    .filter(
      (b): b is Extract<Block, { kind: "heading" }> => b.kind === "heading" && b.level === 2 && !!b.anchor,
    )
    .map((h) => `<a href="#${attr(h.anchor!)}">${esc(h.text)}</a>`);
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    "</head>",
    "<body>",
    banner,
    links.length ? `<nav><div>${links.join("")}</div></nav>` : "",
    "<main>",
    ...body.map(block),
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function verdictBanner(title: string, v: Extract<Block, { kind: "verdict" }>): string {
  return `<header class="verdict ${v.tone}" id="verdict"><div><h1>${esc(title)}</h1><p class="headline">${esc(v.headline)}</p><p class="detail">${esc(v.detail)}</p></div></header>`;
}

function block(b: Block): string {
  switch (b.kind) {
    case "heading": {
      const id = b.anchor ? ` id="${attr(b.anchor)}"` : "";
      return `<h${b.level}${id}>${esc(b.text)}</h${b.level}>`;
    }
    case "verdict":
      return `<p class="tone-${b.tone}"><strong>${esc(b.headline)}</strong></p><p>${esc(b.detail)}</p>`;
    case "failures":
      return `<ul class="failures">${b.items
        .map(
          (f) =>
            `<li class="${f.verdict}" data-scenario="${attr(f.id)}"><span class="tag ${f.verdict === "failed" ? "fail" : "error"}">${f.verdict.toUpperCase()}</span> <a class="id" href="${attr(f.href)}">${esc(f.id)}</a> ${esc(f.name)}<ul>${f.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul></li>`,
        )
        .join("")}</ul>`;
    case "skips":
      return `<ul class="skips">${b.items
        .map(
          (s) =>
            `<li><span class="tag skip">SKIPPED</span> <a href="${attr(s.href)}">${esc(s.id)}</a> ${esc(s.name)}: ${esc(s.reason)}${s.enable ? `. To run it: <code>${esc(s.enable)}</code>` : ""}</li>`,
        )
        .join("")}</ul>`;
    case "paragraph":
      return `<p>${inline(b.content)}</p>`;
    case "quote":
      return `<blockquote>${b.lines.map(esc).join("<br>")}</blockquote>`;
    case "list":
      return `<ul>${b.items.map((i) => `<li>${inline(i)}</li>`).join("")}</ul>`;
    case "table": {
      const cls = (i: number) => (b.align?.[i] === "r" ? ' class="r"' : "");
      const head = b.header.map((h, i) => `<th${cls(i)}>${esc(h)}</th>`).join("");
      const rows = b.rows
        .map((row) => `<tr>${row.map((c, i) => `<td${cls(i)}>${inline(c)}</td>`).join("")}</tr>`)
        .join("");
      return `<table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case "figure": {
      const f = b.figure;
      const drawing = f.svg
        ? f.svg.replace(/^<\?xml[^>]*>\s*/, "")
        : `<a href="${attr(encodeURI(f.path))}">${esc(f.path)}</a>`;
      return `<figure class="chart" data-chart="${attr(f.path)}">${drawing}<figcaption>${esc(f.alt)}</figcaption></figure>`;
    }
    case "section":
      return `<section class="scenario ${b.tone}" data-scenario="${attr(b.id)}">${b.blocks.map(block).join("\n")}</section>`;
  }
}

function inline(content: Inline): string {
  return spans(content)
    .map((s) => {
      let out = esc(s.text);
      if (s.code) out = `<code>${out}</code>`;
      if (s.strong) out = `<strong>${out}</strong>`;
      if (s.href) out = `<a href="${attr(s.href)}">${out}</a>`;
      return s.tone ? `<span class="tone-${s.tone}">${out}</span>` : out;
    })
    .join("");
}
