import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { indexPage } from "../../notebooks/tooling/index-page.ts";

describe("indexPage", () => {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-index-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("links the report and every built notebook and page; says how to build what is missing", () => {
    const run = join(dir, "2026-12-07T03-16-54-021Z");
    mkdirSync(join(run, "notebooks"), { recursive: true });
    for (const f of [
      "report.html",
      "REPORT.md",
      "results.json",
      "notebooks/load.html",
      "notebooks/.probe-1-x.html",
    ])
      writeFileSync(join(run, f), "");
    const html = indexPage(run);
    assert.ok(html.includes("<h1>hivestorm run 2026-12-07T03-16-54-021Z</h1>"));
    for (const href of ["report.html", "REPORT.md", "results.json", "notebooks/load.html"])
      assert.ok(html.includes(`<a href="${href}">`), href);
    assert.ok(!html.includes("junit.xml") && !html.includes(".probe-"));
    assert.ok(html.includes("Not built yet: <code>npm run notebooks:build -- --run RUN_DIR</code>"));
  });
});
