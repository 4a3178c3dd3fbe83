// report.html as a reader gets it: the file opened from disk (file://) in Debian's headless Chromium, every
// chart counted for drawn marks, and the failures laid out above everything else. Skipped (with the reason)
// only where Chromium is missing; .ci/setup-notebooks.sh installs it.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { chartProblems, probePage } from "../../notebooks/tooling/drawn-marks.ts";
import { CHROMIUM } from "../../notebooks/tooling/headless.ts";
import { SETUP_HINT } from "../../notebooks/tooling/jupyter.ts";
import { sampleRun } from "../../notebooks/tooling/sample-run.ts";
import { type RunJournal, readJournal, writeJournal } from "../../sdk/core/journal.ts";
import { renderHtmlReport } from "../../sdk/report/html.ts";
import { writeReports } from "../../sdk/report/write-reports.ts";
import { buildJournal } from "./fixtures.ts";

const skipChromium = existsSync(CHROMIUM) ? false : `missing chromium (Debian package): ${SETUP_HINT}`;
const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "hivestorm-report-html-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function written(name: string, journal: RunJournal): { html: string; charts: string[] } {
  const runDir = join(dir, name);
  mkdirSync(runDir, { recursive: true });
  writeJournal(join(runDir, "results.json"), journal);
  const files = writeReports(runDir, journal);
  return { html: join(runDir, "report.html"), charts: files.filter((f) => f.startsWith("charts/")) };
}

function sample(name: string): RunJournal {
  const runDir = join(dir, `${name}-src`);
  mkdirSync(runDir, { recursive: true });
  copyFileSync(join(ROOT, "reports", name, "results.json"), join(runDir, "results.json"));
  return readJournal(join(runDir, "results.json"));
}

describe("report.html, the page", () => {
  const journal = buildJournal();
  const html = renderHtmlReport(journal);

  test("self-contained: inline style, no script, no link, nothing fetched", () => {
    assert.ok(html.startsWith("<!doctype html>"));
    assert.ok(html.includes("<style>"));
    assert.ok(!/<script|<link |<iframe|src="(https?:|\/\/)|url\(/.test(html));
  });

  test("the verdict banner first, then what failed with every reason, before any scenario", () => {
    const banner = html.indexOf('<header class="verdict fail"');
    const failures = html.indexOf('<ul class="failures">');
    const firstSection = html.indexOf("<section ");
    assert.ok(banner > 0 && banner < failures && failures < firstSection);
    assert.ok(html.includes("FAILED: 2 of 5 scenarios failed, 1 errored, 1 skipped"));
    assert.ok(html.includes("<li>failed requests 0.21% &gt; 0.1% limit</li>"));
    assert.ok(html.includes("<li>no 5xx after eviction: 50 × 503 (expected 0 responses with 5xx)</li>"));
  });

  test("text is escaped", () => {
    assert.ok(html.includes("&lt;EPERM&gt; &amp; more"));
    assert.ok(!html.includes("<EPERM>"));
  });
});

describe("report.html in headless Chromium, from file://", { skip: skipChromium }, () => {
  for (const [name, load] of [
    ["the sample run (all passed)", () => sample("sample")],
    ["the synthetic sample run (WC-001 failed)", () => sampleRun("head")],
    ["a run with failed, errored, skipped and load scenarios", () => buildJournal()],
  ] as const) {
    test(`${name}: every chart has drawn marks in every panel; failures above the rest`, async () => {
      const journal = load();
      const { html, charts } = written(name.replace(/\W+/g, "-"), journal);
      const page = await probePage(html);
      assert.deepEqual(chartProblems(name, page.charts, charts.length), []);
      assert.deepEqual(page.charts.map((c) => c.name).sort(), [...charts].sort());
      // Failures listed at the top, then the sections of failed and errored scenarios above the others.
      const failed = new Set(
        journal.scenarios.filter((s) => s.verdict === "failed" || s.verdict === "error").map((s) => s.id),
      );
      const items = page.layout.filter((b) => b.element === "li");
      const sections = page.layout.filter((b) => b.element === "section");
      assert.deepEqual(new Set(items.map((b) => b.id)), failed);
      assert.equal(sections.length, journal.scenarios.length);
      const lowestFailure = Math.max(-1, ...sections.filter((b) => failed.has(b.id)).map((b) => b.top));
      for (const b of sections.filter((b) => !failed.has(b.id)))
        assert.ok(b.top > lowestFailure, `${b.id} is laid out below every failed scenario`);
      for (const item of items)
        assert.ok(item.top < Math.min(...sections.map((b) => b.top)), `${item.id} listed on top`);
      if (!failed.size) assert.ok(readFileSync(html, "utf8").includes('<header class="verdict pass"'));
    });
  }
});
