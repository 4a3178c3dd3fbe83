// Executes the real notebooks against the committed sample runs, as CI does: Debian's Jupyter with the Deno
// kernel, then the Observable build opened in Debian's headless Chromium. Skipped (with the reason) only where
// the Debian packages are missing; .ci/setup-notebooks.sh installs them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../notebooks/lib/run-select.ts";
import { chartProblems, countDrawnMarks } from "../../notebooks/tooling/drawn-marks.ts";
import {
  CHROMIUM,
  checkPage,
  dumpDom,
  type StaticServer,
  serveDirectory,
} from "../../notebooks/tooling/headless.ts";
import {
  executeNotebook,
  jupyterMissing,
  NOTEBOOKS,
  type NotebookOutputs,
  SETUP_HINT,
} from "../../notebooks/tooling/jupyter.ts";
import { buildObservable, observablePages } from "../../notebooks/tooling/observable.ts";
import { denoCheckNotebooks, tscCheckLib } from "../../notebooks/tooling/typecheck.ts";
import { readJournal } from "../../sdk/core/journal.ts";
import { renderScenarioChart } from "../../sdk/report/charts.ts";

const run = promisify(execFile);
const SAMPLE = join(PROJECT_ROOT, "reports", "sample", "results.json");
const RUNNER = join(PROJECT_ROOT, "notebooks", "jupyter", "run-notebook.py");

const noJupyter = jupyterMissing();
const skipJupyter = noJupyter.length ? `missing ${noJupyter.join(", ")}: ${SETUP_HINT}` : false;
const skipChromium = existsSync(CHROMIUM) ? false : `missing chromium (Debian package): ${SETUP_HINT}`;

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
  name?: string;
}
interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Output[];
}

const out = mkdtempSync(join(tmpdir(), "hivestorm-notebooks-"));
after(() => rmSync(out, { recursive: true, force: true }));

// The base the comparison reads: the committed sample an hour earlier with NF-003 failed, so that the
// comparison has a change to show (one committed sample only; a second real run would double the repository).
const BASE_FAILED = "NF-003";
const SAMPLE_BASE = writeBase(join(out, "base"));

function writeBase(dir: string): string {
  const journal = readJournal(SAMPLE);
  const base = {
    ...journal,
    runId: `${journal.runId}-base`,
    status: "failed",
    startedAt: journal.startedAt - 3_600_000,
    endedAt: (journal.endedAt ?? journal.startedAt) - 3_600_000,
    scenarios: journal.scenarios.map((s) =>
      s.id === BASE_FAILED ? { ...s, verdict: "failed", reason: "made to fail for the comparison" } : s,
    ),
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "results.json"), JSON.stringify(base));
  return join(dir, "results.json");
}

describe("Jupyter notebooks on the Deno kernel", { skip: skipJupyter }, () => {
  const executed = new Map<string, NotebookOutputs>();
  before(async () => {
    for (const name of NOTEBOOKS)
      executed.set(
        name,
        await executeNotebook(name, { run: SAMPLE, base: SAMPLE_BASE, outDir: join(out, "jupyter") }),
      );
  });

  it("execute with no error, an output in every code cell and an SVG in every chart cell", () => {
    for (const [name, nb] of executed) {
      const cells = (JSON.parse(readFileSync(nb.ipynb, "utf8")) as { cells: Cell[] }).cells.filter(
        (c) => c.cell_type === "code",
      );
      assert.ok(cells.length >= 2, name);
      for (const [i, cell] of cells.entries()) {
        const outputs = cell.outputs ?? [];
        assert.ok(outputs.length > 0, `${name} code cell ${i} has no output`);
        for (const o of outputs) {
          assert.notEqual(o.output_type, "error", `${name} code cell ${i}: ${JSON.stringify(o)}`);
          assert.ok(
            !(o.output_type === "stream" && o.name === "stderr"),
            `${name} cell ${i} wrote to stderr`,
          );
        }
        if (cell.metadata.tags?.includes("chart"))
          assert.ok(
            // nbformat stores a long string as a list of lines.
            outputs.some((o) => /<svg/.test([o.data?.["image/svg+xml"] ?? ""].flat().join(""))),
            `${name} chart cell ${i} has no SVG output`,
          );
      }
    }
  });

  it("read the chosen runs: every scenario, its verdict, and what the comparison found fixed", () => {
    const head = readJournal(SAMPLE);
    const overview = readFileSync(executed.get("run-overview")!.markdown, "utf8");
    for (const s of head.scenarios)
      assert.ok(overview.includes(`| ${s.id}`), `${s.id} missing from the overview`);
    assert.ok(overview.includes(`Run \`${head.runId}\``));
    const faults = readFileSync(executed.get("fault-windows")!.ipynb, "utf8");
    const charted = head.scenarios.filter((s) => s.faults.length && s.samples?.t.length).length;
    assert.equal(
      faults.match(/"image\/svg\+xml"/g)?.length ?? 0,
      charted,
      "one chart per scenario with a fault",
    );
    const compare = readFileSync(executed.get("compare-runs")!.markdown, "utf8");
    const failed = head.scenarios
      .filter((s) => s.verdict === "failed" || s.verdict === "error")
      .map((s) => s.id);
    for (const id of failed) assert.ok(compare.includes(id), `${id} missing from the comparison`);
    assert.ok(compare.includes(`**Fixed:** \`${BASE_FAILED}\``), "the comparison names the fixed scenario");
  });

  it("export to Markdown with the charts as SVG files beside it, and to HTML", () => {
    for (const [name, nb] of executed) {
      const md = readFileSync(nb.markdown, "utf8");
      const images = [...md.matchAll(/!\[svg\]\(([^)]+\.svg)\)/g)].map((m) => m[1]);
      assert.ok(images.length > 0, `${name}.md links no chart`);
      for (const image of images) assert.match(readFileSync(join(out, "jupyter", image), "utf8"), /^<svg/);
      const html = readFileSync(nb.html, "utf8");
      assert.ok(html.includes("<svg") || html.includes("data:image/svg+xml"), `${name}.html has no chart`);
      assert.ok(!/cdn\.jsdelivr|unpkg\.com/.test(html), `${name}.html loads from a CDN`);
    }
  });

  it("the HTML exports show every chart: Chromium counts drawn marks in each panel", {
    skip: skipChromium,
  }, async () => {
    const head = readJournal(SAMPLE);
    const expected: Record<string, number> = {
      "run-overview": 1,
      "fault-windows": head.scenarios.filter((s) => s.faults.length && s.samples?.t.length).length,
      // Per load scenario: the load chart and the latency histogram.
      load: 2 * head.scenarios.filter((s) => s.load).length,
      "compare-runs": 1,
    };
    for (const [name, nb] of executed) {
      const charts = await countDrawnMarks(nb.html);
      assert.deepEqual(chartProblems(name, charts, expected[name]), [], `${name}: ${JSON.stringify(charts)}`);
      for (const c of charts) assert.equal(c.kind, "img", `${name}: ${c.name} is an <img> data URI`);
    }
  });

  it("the load notebook: plan as run, thresholds judged or reported (never NO for a reported one)", () => {
    const md = readFileSync(executed.get("load")!.markdown, "utf8");
    for (const id of ["LT-001", "LT-002", "LT-003"]) assert.ok(md.includes(`### ${id}: `), id);
    assert.match(
      md,
      /\*\*Plan as run:\*\* inference-load: closed model, users 0, →1000 in 15s, hold 30s, →0 in 3s \(48s\)/,
    );
    assert.ok(md.includes("exceeded (reported, not judged)"), "LT-002/LT-003 thresholds are reported");
    const lt2 = md.slice(md.indexOf("### LT-002"), md.indexOf("### LT-003"));
    assert.ok(!/\| (NO|FAIL) +\|/.test(lt2), "no NO or FAIL for LT-002's reported thresholds");
  });

  it("honour HIVESTORM_RUN: the same notebook on another run shows that run", async () => {
    const dir = join(out, "jupyter-base");
    const nb = await executeNotebook("run-overview", { run: SAMPLE_BASE, outDir: dir, exports: false });
    const text = readFileSync(nb.ipynb, "utf8");
    assert.ok(text.includes(`Run \`${readJournal(SAMPLE_BASE).runId}\``), "the overview names the base run");
    assert.ok(!text.includes(`Run \`${readJournal(SAMPLE).runId}\``), "and not the default one");
  });

  it("nbconvert's cleaner blanks raw SVG output; the <img> data URI form keeps its marks", {
    skip: skipChromium,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hivestorm-cleaner-"));
    try {
      const svg = renderScenarioChart(readJournal(SAMPLE).scenarios.find((s) => s.id === "NF-003")!)!;
      const img = `<img class="hivestorm-chart" alt="as html" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`;
      const executedNb = (data: Record<string, string>) =>
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: {},
          cells: [
            {
              cell_type: "code",
              id: "c0",
              metadata: {},
              source: "",
              execution_count: 1,
              outputs: [{ output_type: "display_data", data, metadata: {} }],
            },
          ],
        });
      writeFileSync(join(dir, "raw.ipynb"), executedNb({ "image/svg+xml": svg }));
      writeFileSync(join(dir, "img.ipynb"), executedNb({ "text/html": img, "image/svg+xml": svg }));
      const exportHtml =
        "import sys\nfrom nbconvert import HTMLExporter\nfor f in sys.argv[1:]:\n    body, _ = HTMLExporter().from_filename(f)\n    open(f[:-6] + '.html', 'w').write(body)\n";
      await run("/usr/bin/python3", ["-c", exportHtml, join(dir, "raw.ipynb"), join(dir, "img.ipynb")], {
        timeout: 60_000,
      });
      const raw = await countDrawnMarks(join(dir, "raw.html"));
      assert.equal(raw.length, 1);
      assert.deepEqual(raw[0].panels, [0, 0], "the cleaner strips every mark of raw SVG output");
      const kept = await countDrawnMarks(join(dir, "img.html"));
      assert.equal(kept.length, 1);
      assert.ok(kept[0].loaded && kept[0].panels.every((n) => n > 0), JSON.stringify(kept));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fail the run on a cell that lost outputs: against its fixed count, or the count it declared", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hivestorm-lost-nb-"));
    try {
      const cell = (source: string, metadata: Record<string, unknown> = {}) => ({
        cell_type: "code",
        id: `c${Math.random().toString(36).slice(2, 8)}`,
        metadata,
        source,
        outputs: [],
        execution_count: null,
      });
      const nb = (cells: unknown[]) =>
        JSON.stringify({
          nbformat: 4,
          nbformat_minor: 5,
          metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
          cells,
        });
      const declare = (n: number) =>
        `await Deno.jupyter.broadcast("display_data", { data: { "text/markdown": "n" }, metadata: { hivestorm_expected_outputs: ${n} }, transient: {} });`;
      const show = 'await Deno.jupyter.display({ "text/markdown": "x" }, { raw: true });';
      writeFileSync(join(dir, "fixed.ipynb"), nb([cell(show, { hivestorm: { outputs: 2 } })]));
      writeFileSync(join(dir, "declared.ipynb"), nb([cell(`${declare(3)}\n${show}`)]));
      writeFileSync(
        join(dir, "complete.ipynb"),
        nb([cell(`${declare(2)}\n${show}\n${show}`, { hivestorm: { outputs: 3 } })]),
      );
      const env = {
        ...process.env,
        JUPYTER_PATH: join(PROJECT_ROOT, "notebooks", "jupyter"),
        PATH: `${join(PROJECT_ROOT, "node_modules", ".bin")}:${process.env.PATH}`,
      };
      const runner = (name: string) =>
        run("/usr/bin/python3", [RUNNER, join(dir, `${name}.ipynb`), join(dir, `${name}.out.ipynb`)], {
          env,
          timeout: 60_000,
        }).then(
          () => ({ code: 0, stderr: "" }),
          (e: { code: number; stderr: string }) => e,
        );
      const fixed = await runner("fixed");
      assert.equal(fixed.code, 1);
      assert.match(fixed.stderr, /expected 2 output\(s\), found 1/);
      const declared = await runner("declared");
      assert.equal(declared.code, 1);
      assert.match(declared.stderr, /declared 3 output\(s\) after output 0, found 1/);
      assert.equal((await runner("complete")).code, 0, "a cell with all its outputs passes");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fail the run on a cell error and on a chart cell without an image", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hivestorm-bad-nb-"));
    try {
      const nb = (cells: { source: string; tags?: string[] }[]) => ({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
        cells: cells.map((c, i) => ({
          cell_type: "code",
          id: `c${i}`,
          metadata: { tags: c.tags ?? [] },
          source: c.source,
          outputs: [],
          execution_count: null,
        })),
      });
      writeFileSync(
        join(dir, "throws.ipynb"),
        JSON.stringify(nb([{ source: 'throw new Error("boom in a cell")' }])),
      );
      writeFileSync(join(dir, "no-chart.ipynb"), JSON.stringify(nb([{ source: "1 + 1", tags: ["chart"] }])));
      const env = {
        ...process.env,
        JUPYTER_PATH: join(PROJECT_ROOT, "notebooks", "jupyter"),
        PATH: `${join(PROJECT_ROOT, "node_modules", ".bin")}:${process.env.PATH}`,
      };
      for (const [name, expected] of [
        ["throws", /boom in a cell/],
        ["no-chart", /tagged chart but produced no image output/],
      ] as const) {
        const result = await run(
          "/usr/bin/python3",
          [RUNNER, join(dir, `${name}.ipynb`), join(dir, `${name}.out.ipynb`)],
          {
            env,
            timeout: 60_000,
          },
        ).then(
          () => ({ code: 0, stderr: "" }),
          (e: { code: number; stderr: string }) => e,
        );
        assert.equal(result.code, 1, `${name} should fail the run`);
        assert.match(result.stderr, expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the notebooks' type gate (the kernel runs cells unchecked)", () => {
  it("type-check: the notebooks with deno check, notebooks/lib with tsc", async () => {
    assert.deepEqual(await denoCheckNotebooks(), []);
    assert.deepEqual(await tscCheckLib(), []);
  });

  it("the type gate catches a type error the kernel would run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hivestorm-typed-nb-"));
    try {
      const file = join(dir, "typed.ipynb");
      writeFileSync(
        file,
        JSON.stringify({
          cells: [{ cell_type: "code", source: ['const x: number = "a";\n', "console.log(x);"] }],
        }),
      );
      const problems = await denoCheckNotebooks([file]);
      assert.equal(problems.length, 1);
      assert.match(problems[0], /TS2322/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Observable pages (Notebook Kit), opened in headless Chromium", { skip: skipChromium }, () => {
  let server: StaticServer;
  const site = join(out, "observable");
  before(async () => {
    await buildObservable({ run: SAMPLE, base: SAMPLE_BASE, outDir: site });
    server = await serveDirectory(site);
  });
  after(async () => server?.close());

  it("build to static HTML that loads nothing from a CDN", () => {
    for (const page of observablePages()) {
      const html = readFileSync(join(site, `${page}.html`), "utf8");
      assert.ok(!/<script[^>]+src="https?:/.test(html) && !/<link[^>]+href="https?:/.test(html), page);
    }
  });

  it("render their charts as SVG with no error cell, showing the chosen run", async () => {
    const head = readJournal(SAMPLE);
    for (const page of observablePages()) {
      const dom = await dumpDom(`${server.url}${page}.html`);
      const check = checkPage(dom);
      assert.deepEqual(check.errors, [], `${page}: error cells`);
      assert.ok(check.svgs > 0, `${page}: no <svg> rendered`);
      assert.ok(dom.includes(`Run ${head.runId}:`), `${page}: does not show run ${head.runId}`);
    }
  });

  it("draw marks in every panel of every chart", async () => {
    const head = readJournal(SAMPLE);
    const expected: Record<string, number> = {
      overview: 1,
      "fault-windows": head.scenarios.filter((s) => s.faults.length && s.samples?.t.length).length,
      compare: 1,
    };
    for (const page of observablePages()) {
      const charts = await countDrawnMarks(join(site, `${page}.html`), {
        baseUrl: server.url,
        delayMs: 3000,
      });
      assert.deepEqual(chartProblems(page, charts, expected[page]), [], `${page}: ${JSON.stringify(charts)}`);
    }
  });
});
