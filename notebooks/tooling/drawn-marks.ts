// Counts what a reader would see of each chart of an HTML page, in headless Chromium: for every chart (an SVG
// inline in a <figure class="chart">, an <img> holding an SVG data URI, any other <svg> in an output area), the
// marks drawn in each of its panels: shapes of Plot's mark groups (not axes, ticks or grids) with a non-empty
// bounding box. An SVG that an HTML cleaner emptied, or an image that does not decode, counts 0.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseHTML } from "linkedom";
import { dumpDom } from "./headless.ts";

export interface ChartMarks {
  /** The chart's name: its figure's data-chart, its image's alt text, or its position. */
  name: string;
  kind: "inline-svg" | "img";
  /** For an image: whether it decoded (naturalWidth > 0). Always true for inline SVG. */
  loaded: boolean;
  /** Drawn marks per panel (each Plot <svg> of the chart), top to bottom. */
  panels: number[];
  marks: number;
}

const PROBE_ID = "hivestorm-probe";

// Runs in the page (a classic script, no module): measures, then writes JSON into a <pre>.
const PROBE = `
(function () {
  var SHAPES = "path,line,rect,circle,ellipse,polyline,polygon";
  function drawn(el) {
    try { var b = el.getBBox(); return b.width > 0 || b.height > 0; } catch (e) { return false; }
  }
  function panelsOf(root) {
    var nested = Array.prototype.slice.call(root.querySelectorAll("svg"));
    var panels = nested.length ? nested : [root];
    return panels.map(function (panel) {
      var n = 0;
      panel.querySelectorAll("g[aria-label]").forEach(function (g) {
        if (/axis|grid|tick/.test(g.getAttribute("aria-label"))) return;
        g.querySelectorAll(SHAPES).forEach(function (s) { if (drawn(s)) n++; });
      });
      return n;
    });
  }
  function report(name, kind, loaded, root) {
    var panels = root ? panelsOf(root) : [0];
    return { name: name, kind: kind, loaded: loaded, panels: panels,
      marks: panels.reduce(function (a, b) { return a + b; }, 0) };
  }
  function run() {
    var out = [];
    var seen = new Set();
    document.querySelectorAll("figure.chart > svg, .jp-OutputArea-output svg, main svg").forEach(function (svg, i) {
      if (svg.parentElement.closest("svg") || seen.has(svg)) return;
      seen.add(svg);
      var fig = svg.closest("figure");
      out.push(report((fig && fig.getAttribute("data-chart")) || "svg " + i, "inline-svg", true, svg));
    });
    document.querySelectorAll("img").forEach(function (img, i) {
      var src = img.getAttribute("src") || "";
      if (src.indexOf("data:image/svg+xml") !== 0 && !img.classList.contains("hivestorm-chart")) return;
      var loaded = img.complete && img.naturalWidth > 0;
      var root = null;
      var holder = document.createElement("div");
      try {
        var text = src.indexOf(";base64,") > 0
          ? new TextDecoder().decode(Uint8Array.from(atob(src.split(",")[1]), function (c) { return c.charCodeAt(0); }))
          : decodeURIComponent(src.split(",")[1] || "");
        var parsed = new DOMParser().parseFromString(text, "image/svg+xml").documentElement;
        if (parsed && parsed.nodeName === "svg") {
          root = document.importNode(parsed, true);
          document.body.appendChild(holder);
          holder.appendChild(root);
        }
      } catch (e) { root = null; }
      out.push(report(img.getAttribute("alt") || "img " + i, "img", loaded, root));
      holder.remove();
    });
    var layout = [];
    document.querySelectorAll("[data-scenario]").forEach(function (el) {
      layout.push({ id: el.getAttribute("data-scenario"), element: el.tagName.toLowerCase(),
        className: el.className, top: Math.round(el.getBoundingClientRect().top + window.scrollY) });
    });
    var pre = document.createElement("pre");
    pre.id = "${PROBE_ID}";
    pre.textContent = JSON.stringify({ charts: out, layout: layout });
    document.body.appendChild(pre);
  }
  // A notebook runtime renders after the load event, later still when its data loads slowly: after the delay,
  // poll until the page holds charts and their count stopped changing (or give up after POLLS tries).
  var POLLS = 40, last = -1;
  function candidates() {
    return document.querySelectorAll("figure.chart > svg, .jp-OutputArea-output svg, main svg, img").length;
  }
  function poll(left) {
    var n = candidates();
    if ((n > 0 && n === last) || left <= 0) return run();
    last = n;
    setTimeout(function () { poll(left - 1); }, 250);
  }
  function later() { setTimeout(function () { poll(POLLS); }, __DELAY__); }
  if (document.readyState === "complete") later(); else window.addEventListener("load", later);
})();
`;

/** Where an element that names a scenario (data-scenario) was laid out: its top, in px from the page's top. */
export interface ScenarioBox {
  id: string;
  element: string;
  className: string;
  top: number;
}

export interface PageProbe {
  charts: ChartMarks[];
  layout: ScenarioBox[];
}

/** The charts of a page on disk, opened as file:// in headless Chromium (see probePage). */
export async function countDrawnMarks(file: string, o: ProbeOptions = {}): Promise<ChartMarks[]> {
  return (await probePage(file, o)).charts;
}

export interface ProbeOptions {
  /** Serve-based pages (module scripts do not load from file://): the URL of the file's folder. */
  baseUrl?: string;
  /** Virtual ms to wait after the load event before measuring (a notebook runtime renders after it). */
  delayMs?: number;
}

/**
 * Opens `file` (an HTML page on disk) as file:// in headless Chromium, with the probe added to a copy of it
 * beside the original (so that relative links resolve): its charts and where its scenarios were laid out.
 */
export async function probePage(file: string, o: ProbeOptions = {}): Promise<PageProbe> {
  const name = `.probe-${process.pid}-${basename(file)}`;
  const copy = join(dirname(file), name);
  const html = readFileSync(file, "utf8");
  const script = `<script>${PROBE.replace("__DELAY__", String(o.delayMs ?? 0))}</script>`;
  writeFileSync(
    copy,
    html.includes("</body>")
      ? html.replace(/<\/body>(?![\s\S]*<\/body>)/, `${script}</body>`)
      : html + script,
  );
  try {
    const url = o.baseUrl ? new URL(name, o.baseUrl).href : pathToFileURL(copy).href;
    const dom = await dumpDom(url, { budgetMs: 15_000 + (o.delayMs ?? 0) });
    const { document } = parseHTML(dom);
    const pre = document.getElementById(PROBE_ID);
    if (!pre) throw new Error(`${file}: the probe did not run in Chromium (no #${PROBE_ID} in the page)`);
    return JSON.parse(pre.textContent ?? "{}") as PageProbe;
  } finally {
    rmSync(copy, { force: true });
  }
}

/** Problems of a page's charts, in words: none found, an image that did not decode, a panel with no mark. */
export function chartProblems(page: string, charts: ChartMarks[], expected?: number): string[] {
  const problems: string[] = [];
  if (!charts.length) problems.push(`${page}: no chart found`);
  if (expected !== undefined && charts.length !== expected)
    problems.push(`${page}: expected ${expected} charts, found ${charts.length}`);
  for (const c of charts) {
    if (!c.loaded) problems.push(`${page}: chart "${c.name}" did not load`);
    c.panels.forEach((n, i) => {
      if (n === 0)
        problems.push(`${page}: chart "${c.name}" panel ${i + 1} of ${c.panels.length} has no drawn mark`);
    });
  }
  return problems;
}
