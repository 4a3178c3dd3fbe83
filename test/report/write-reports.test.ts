import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { writeJournal } from "../../sdk/core/journal.ts";
import { loadRun } from "../../sdk/report/analysis.ts";
import { updateLatestLink, writeReports } from "../../sdk/report/write-reports.ts";
import { buildJournal } from "./fixtures.ts";
import { parseXml } from "./xml-parse.ts";

const reports = mkdtempSync(join(tmpdir(), "hivestorm-reports-"));
after(() => rmSync(reports, { recursive: true, force: true }));

describe("writeReports", () => {
  test("writes REPORT.md, report.html, junit.xml and the charts, and links them", () => {
    const journal = buildJournal(undefined, "run-a");
    const dir = join(reports, "run-a");
    writeJournal(join(dir, "results.json"), journal);
    writeFileSync(join(dir, "run.log"), "log\n");
    const written = writeReports(dir, journal);
    assert.deepEqual(written, [
      "REPORT.md",
      "report.html",
      "junit.xml",
      "charts/NF-002.svg",
      "charts/WC-001.svg",
      "charts/LOAD-inference-load.svg",
      "charts/recovery.svg",
    ]);
    for (const f of written) assert.ok(existsSync(join(dir, f)), f);
    const md = readFileSync(join(dir, "REPORT.md"), "utf8");
    for (const chart of written.filter((f) => f.startsWith("charts/")))
      assert.ok(md.includes(`(${chart})`), chart);
    assert.ok(md.includes("- [results.json](results.json)\n- [run.log](run.log)"));
    assert.ok(md.includes("- [junit.xml](junit.xml)"));
    parseXml(readFileSync(join(dir, "junit.xml"), "utf8"));
    for (const chart of written.slice(3)) parseXml(readFileSync(join(dir, chart), "utf8"));
    // report.html holds every chart inline and links nothing outside itself but the run's files.
    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.equal(html.match(/<figure class="chart"/g)?.length, 4);
    assert.ok(
      !/<script|<link |src="http|@import/.test(html),
      "no script, stylesheet link or remote resource",
    );
    // Rewriting gives the same bytes (reports are pure functions of the journal).
    writeReports(dir, journal);
    assert.equal(readFileSync(join(dir, "REPORT.md"), "utf8"), md);
  });
});

describe("updateLatestLink", () => {
  test("a relative symlink, replaced when a newer run arrives", () => {
    for (const id of ["run-1", "run-2"])
      writeJournal(join(reports, id, "results.json"), buildJournal(undefined, id));
    assert.deepEqual(updateLatestLink(reports, join(reports, "run-1")), {
      kind: "symlink",
      path: join(reports, "latest"),
    });
    assert.equal(readlinkSync(join(reports, "latest")), "run-1");
    assert.equal(loadRun(join(reports, "latest")).runId, "run-1");
    updateLatestLink(reports, join(reports, "run-2"));
    assert.equal(readlinkSync(join(reports, "latest")), "run-2");
    assert.equal(loadRun(join(reports, "latest")).runId, "run-2");
  });

  test("falls back to a text file naming the run where symlinks fail", () => {
    const dir = join(reports, "nolinks");
    writeJournal(join(dir, "run-3", "results.json"), buildJournal(undefined, "run-3"));
    const refuse = () => {
      throw Object.assign(new Error("EPERM: operation not permitted, symlink"), { code: "EPERM" });
    };
    const result = updateLatestLink(dir, join(dir, "run-3"), { symlink: refuse });
    assert.equal(result.kind, "file");
    assert.ok(lstatSync(join(dir, "latest")).isFile());
    assert.equal(readFileSync(join(dir, "latest"), "utf8"), "run-3\n");
    assert.equal(loadRun(join(dir, "latest")).runId, "run-3");
    // A later run with working symlinks replaces the file.
    writeJournal(join(dir, "run-4", "results.json"), buildJournal(undefined, "run-4"));
    assert.equal(updateLatestLink(dir, join(dir, "run-4")).kind, "symlink");
    assert.equal(loadRun(join(dir, "latest")).runId, "run-4");
  });

  test("a real directory named latest is not clobbered", () => {
    const dir = join(reports, "blocked");
    mkdirSync(join(dir, "latest", "keep"), { recursive: true });
    assert.throws(() => updateLatestLink(dir, join(dir, "run-5")), /cannot replace .*latest/);
    assert.ok(existsSync(join(dir, "latest", "keep")));
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.startsWith(".latest")),
      [],
    );
  });
});
