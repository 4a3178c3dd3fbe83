// Opens built pages the way a reader would: served over HTTP on 127.0.0.1 (module scripts do not load from
// file://) and rendered by Debian's headless Chromium. `--virtual-time-budget` is what lets the notebook's
// runtime finish: without it the DOM is dumped before any cell has run.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { promisify } from "node:util";
import { parseHTML } from "linkedom";

const run = promisify(execFile);

export const CHROMIUM = "/usr/bin/chromium";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".md": "text/markdown; charset=utf-8",
};

export interface StaticServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `dir` read-only on 127.0.0.1 (port 0 unless given). */
export async function serveDirectory(dir: string, port = 0): Promise<StaticServer> {
  const root = normalize(dir + sep);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) return void res.writeHead(404).end("not found");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--run-all-compositor-stages-before-draw",
];

export interface ChromiumOptions {
  /** Virtual time the page gets to settle, ms; default 10 s (it passes faster than real time). */
  budgetMs?: number;
  /** Wall-clock limit for the chromium process, ms; default 60 s. */
  timeoutMs?: number;
  windowSize?: [number, number];
}

/** The page's DOM after its scripts ran. */
export async function dumpDom(url: string, o: ChromiumOptions = {}): Promise<string> {
  const { stdout } = await chromium([...flags(o), "--dump-dom", url], o);
  return stdout;
}

/** A PNG screenshot of the page. */
export async function screenshot(url: string, file: string, o: ChromiumOptions = {}): Promise<void> {
  await chromium([...flags(o), `--screenshot=${file}`, url], o);
}

export interface PageCheck {
  svgs: number;
  /** Text of every cell the notebook runtime marked as an error. */
  errors: string[];
}

/** Charts (SVG) and error cells in a dumped Notebook Kit page. */
export function checkPage(dom: string): PageCheck {
  const { document } = parseHTML(dom);
  return {
    svgs: document.querySelectorAll("main svg, .observablehq svg").length,
    errors: [...document.querySelectorAll(".observablehq--error")].map((e) => (e.textContent ?? "").trim()),
  };
}

function flags(o: ChromiumOptions): string[] {
  const [w, h] = o.windowSize ?? [1200, 900];
  return [...FLAGS, `--window-size=${w},${h}`, `--virtual-time-budget=${o.budgetMs ?? 10_000}`];
}

async function chromium(args: string[], o: ChromiumOptions): Promise<{ stdout: string }> {
  // A fresh profile each time: no state leaks between runs, and parallel runs do not share a lock.
  const profile = mkdtempSync(join(tmpdir(), "hivestorm-chromium-"));
  try {
    return await run(CHROMIUM, [`--user-data-dir=${profile}`, ...args], {
      timeout: o.timeoutMs ?? 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
