// Executes the real notebooks against the committed sample runs, as CI does: Debian's Jupyter with the Deno
// kernel, then the Observable build opened in Debian's headless Chromium. Skipped (with the reason) only where
// the Debian packages are missing; .ci/setup-notebooks.sh installs them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { PROJECT_ROOT } from "../../notebooks/lib/run-select.ts";
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

const run = promisify(execFile);
const SAMPLE = join(PROJECT_ROOT, "reports", "sample", "results.json");
const SAMPLE_BASE = join(PROJECT_ROOT, "reports", "sample-base", "results.json");
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

  it("read the chosen run: every scenario, its verdict and the comparison's new failure appear", () => {
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

  it("honour HIVESTORM_RUN: the same notebook on another run shows that run", async () => {
    const dir = join(out, "jupyter-base");
    const nb = await executeNotebook("run-overview", { run: SAMPLE_BASE, outDir: dir, exports: false });
    const text = readFileSync(nb.ipynb, "utf8");
    assert.ok(text.includes(`Run \`${readJournal(SAMPLE_BASE).runId}\``), "the overview names the base run");
    assert.ok(!text.includes(`Run \`${readJournal(SAMPLE).runId}\``), "and not the default one");
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
});
