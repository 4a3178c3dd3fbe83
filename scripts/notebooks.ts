#!/usr/bin/env -S npx tsx
// Notebooks over a run's results.json: execute the Jupyter notebooks headless and export them, build the
// Observable pages, check both, or serve them. Logic lives in notebooks/tooling/; this is the command line.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { chooseBase, chooseRun, describeChoice, PROJECT_ROOT } from "../notebooks/lib/run-select.ts";
import { chartProblems, countDrawnMarks } from "../notebooks/tooling/drawn-marks.ts";
import { checkPage, dumpDom, serveDirectory } from "../notebooks/tooling/headless.ts";
import { indexPage } from "../notebooks/tooling/index-page.ts";
import { executeNotebooks, NOTEBOOKS } from "../notebooks/tooling/jupyter.ts";
import {
  buildObservable,
  NOTEBOOK_KIT_CLI,
  observablePages,
  stageData,
} from "../notebooks/tooling/observable.ts";
import { compactJson, sampleRun } from "../notebooks/tooling/sample-run.ts";
import { denoCheckNotebooks, tscCheckLib } from "../notebooks/tooling/typecheck.ts";
import { HivestormError, ValidationError } from "../sdk/index.ts";

const USAGE = `usage: npx tsx scripts/notebooks.ts <command> [--run PATH] [--base PATH] [--out DIR] [--port N]

commands:
  exec     execute the Jupyter notebooks headless against a run; write .ipynb, .md (+ SVG charts) and .html
  build    build the Observable pages for a run to static HTML (offline, no CDN)
  check    exec + build, type-check the notebooks, then open every page in headless Chromium; fails on
           a cell error, a missing or lost output, a type error, an error cell, or a chart of a Jupyter
           export without drawn marks
  open     check, then serve the outputs on 127.0.0.1 and print the address (Ctrl-C stops)
  serve    serve what is already built for the run (report.html, notebooks, pages), executing nothing,
           with an index at / (Ctrl-C stops)
  preview  live-edit the Observable pages on a run (Notebook Kit's Vite dev server; the pages are at
           /overview.html, /fault-windows.html and /compare.html)
  sample   write synthetic runs, for the tests, to --out (default reports/synthetic); never over the
           committed sample reports/sample

options:
  --run PATH    run folder or results.json (default: $HIVESTORM_RUN, else reports/latest, else reports/sample)
  --base PATH   run to compare with (default: $HIVESTORM_BASE, else the last passed run before it,
                else reports/sample, else the run itself)
  --out DIR     where outputs go (default: the run's folder): DIR/notebooks/ and DIR/observable/
  --port N      port for open (default: any free port)`;

const COMMANDS = ["exec", "build", "check", "open", "serve", "preview", "sample"] as const;
type Command = (typeof COMMANDS)[number];

async function main(argv: string[]): Promise<number> {
  const { command, values } = parseCommandLine(argv);
  if (command === "sample") return writeSamples(values.out ?? join(PROJECT_ROOT, "reports", "synthetic"));
  const head = chooseRun(values.run);
  const base = chooseBase(head, values.base);
  if (command === "preview") return preview(head.file, base.file);
  const out = values.out ?? dirname(head.file);
  console.log(`run  ${describeChoice(head)}\nbase ${describeChoice(base)}`);
  if (command === "serve") {
    await serve(out, Number(values.port ?? 0));
    return 0;
  }
  const jupyterOut = join(out, "notebooks");
  const observableOut = join(out, "observable");

  if (command === "exec" || command === "check" || command === "open") {
    for (const nb of await executeNotebooks({ run: head.file, base: base.file, outDir: jupyterOut }))
      console.log(`jupyter    ${nb.name}: ${rel(nb.html)} ${rel(nb.markdown)} (${seconds(nb.ms)})`);
  }
  if (command === "build" || command === "check" || command === "open") {
    const built = await buildObservable({ run: head.file, base: base.file, outDir: observableOut });
    console.log(`observable ${built.pages.length} pages in ${rel(built.outDir)} (${seconds(built.ms)})`);
  }
  if (command === "check" || command === "open") {
    const problems = [
      ...(await denoCheckNotebooks()),
      ...(await tscCheckLib()),
      ...(await checkObservable(observableOut)),
      ...(await checkJupyterCharts(jupyterOut)),
    ];
    if (problems.length) {
      console.error(
        `${problems.length} problem(s) in the notebooks:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
      );
      return 1;
    }
  }
  if (command === "open") await serve(out, Number(values.port ?? 0));
  return 0;
}

function parseCommandLine(argv: string[]) {
  const problems: { path: string; message: string }[] = [];
  let parsed: ReturnType<typeof parse> | undefined;
  try {
    parsed = parse(argv);
  } catch (error) {
    problems.push({ path: "", message: (error as Error).message });
  }
  const command = parsed?.positionals[0];
  if (parsed?.values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if (!COMMANDS.includes(command as Command))
    problems.push({
      path: "command",
      message: `expected one of ${COMMANDS.join(", ")}, found ${JSON.stringify(command)}`,
    });
  if ((parsed?.positionals.length ?? 0) > 1)
    problems.push({ path: "", message: `unexpected arguments: ${parsed!.positionals.slice(1).join(" ")}` });
  const port = parsed?.values.port;
  if (port !== undefined && !(Number.isInteger(Number(port)) && Number(port) >= 0 && Number(port) < 65536))
    problems.push({
      path: "--port",
      message: `expected a port number 0-65535, found ${JSON.stringify(port)}`,
    });
  if (problems.length) throw new ValidationError("the command line", problems, USAGE);
  return { command: command as Command, values: parsed!.values };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      run: { type: "string" },
      base: { type: "string" },
      out: { type: "string" },
      port: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

async function checkObservable(dir: string): Promise<string[]> {
  const server = await serveDirectory(dir);
  const problems: string[] = [];
  try {
    for (const page of observablePages()) {
      const check = checkPage(await dumpDom(`${server.url}${page}.html`));
      for (const error of check.errors) problems.push(`${page}.html: error cell: ${error}`);
      if (check.svgs === 0) problems.push(`${page}.html: no chart rendered (no <svg> in the page)`);
      // The runtime renders the cells after the load event: measure once it has had 3 s of virtual time.
      const charts = await countDrawnMarks(join(dir, `${page}.html`), { baseUrl: server.url, delayMs: 3000 });
      problems.push(...chartProblems(`${page}.html`, charts));
      console.log(
        `chromium   ${page}.html: ${check.svgs} svg, ${check.errors.length} error cells, drawn marks ${charts.map((c) => c.marks).join(" ")}`,
      );
    }
  } finally {
    await server.close();
  }
  return problems;
}

// Every chart of every Jupyter HTML export, opened as file:// in Chromium: each panel must show drawn marks.
async function checkJupyterCharts(dir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const name of NOTEBOOKS) {
    const page = join(dir, `${name}.html`);
    const charts = await countDrawnMarks(page);
    problems.push(...chartProblems(`${name}.html`, charts));
    const marks = charts.map((c) => c.marks);
    console.log(`chromium   ${name}.html: ${charts.length} charts, drawn marks ${marks.join(" ") || "none"}`);
  }
  return problems;
}

async function serve(dir: string, port: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), indexPage(dir));
  const server = await serveDirectory(dir, port);
  console.log(`\n${rel(dir)} at ${server.url} (Ctrl-C stops)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
}

async function preview(run: string, base: string): Promise<number> {
  const data = stageData(join(PROJECT_ROOT, "notebooks", "observable"), { run, base });
  console.log(`the pages read ${rel(data)}; edit notebooks/observable/*.html and reload`);
  console.log(
    `the pages: ${observablePages()
      .map((p) => `/${p}.html`)
      .join(", ")} (there is no page at /)`,
  );
  const child = spawn(
    process.execPath,
    [NOTEBOOK_KIT_CLI, "preview", "--root", join(PROJECT_ROOT, "notebooks", "observable")],
    {
      stdio: "inherit",
    },
  );
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 0)));
}

// Synthetic runs (a few scenarios, made up): never written over the committed real samples.
function writeSamples(out: string): number {
  for (const [kind, folder] of [
    ["head", "head"],
    ["base", "base"],
  ] as const) {
    const file = join(out, folder, "results.json");
    if (/reports[/\\]sample(-base)?[/\\]/.test(file))
      throw new ValidationError("--out", [
        { path: "--out", message: `refusing to write over the committed sample ${rel(file)}` },
      ]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, compactJson(sampleRun(kind)));
    console.log(`wrote ${rel(file)}`);
  }
  return 0;
}

function rel(path: string): string {
  return relative(process.cwd(), path) || ".";
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof HivestormError ? error.message : (error as Error).stack);
    process.exit(error instanceof ValidationError ? 2 : 1);
  },
);
