import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checksView,
  latencyDeltaView,
  recoveryDeltaView,
  runHeadline,
  toMarkdown,
  verdictChangeView,
  verdictView,
  windowView,
} from "../../notebooks/lib/views.ts";
import { sampleRun } from "../../notebooks/tooling/sample-run.ts";
import { compareRuns, scenarioWindowStats } from "../../sdk/report/analysis.ts";
import { fmtMs, fmtPct } from "../../sdk/report/format.ts";

const head = sampleRun("head");
const base = sampleRun("base");

describe("notebook views", () => {
  it("sums up the run in one line with its verdict counts", () => {
    const line = runHeadline(head);
    const failed = head.scenarios.filter((s) => s.verdict === "failed").length;
    assert.match(line, /`sample`/);
    assert.match(line, /FAILED/);
    assert.ok(line.includes(`${failed} failed`), line);
  });

  it("lists one verdict row per scenario, with time to recover or never", () => {
    const view = verdictView(head);
    assert.equal(view.rows.length, head.scenarios.length);
    for (const [i, s] of head.scenarios.entries()) {
      assert.equal(view.rows[i][0], s.id);
      assert.equal(view.rows[i][2], s.verdict.toUpperCase());
      const ttr = view.rows[i][view.header.indexOf("time to recover")];
      assert.equal(ttr, s.recovery?.recovered ? fmtMs(s.recovery.timeToRecoverMs) : "never");
    }
  });

  it("puts failed checks first", () => {
    const rows = checksView(head).rows;
    const total = head.scenarios.reduce((n, s) => n + s.checks.length, 0);
    assert.equal(rows.length, total);
    const firstOk = rows.findIndex((r) => r[2] === "yes");
    assert.ok(
      rows.slice(firstOk).every((r) => r[2] === "yes"),
      "no failed check after a passed one",
    );
    assert.ok(rows.slice(0, firstOk).every((r) => r[2] === "NO"));
    assert.ok(firstOk > 0, "the sample has a failed check");
  });

  it("shows the analysis module's window statistics, not its own", () => {
    const s = head.scenarios[1];
    const stats = scenarioWindowStats(s);
    const view = windowView(s);
    const during = view.rows.find((r) => r[0] === "during")!;
    assert.equal(during[view.header.indexOf("p95")], fmtMs(stats.during!.p95));
    assert.equal(during[view.header.indexOf("error rate")], fmtPct(stats.during!.errorRate));
    assert.equal(during[view.header.indexOf("requests")], String(stats.during!.requests));
  });

  it("compares two runs: new failure first, deltas with their sign, never for no recovery", () => {
    const cmp = compareRuns(base, head);
    const changes = verdictChangeView(cmp);
    assert.deepEqual(changes.header.slice(2, 4), ["sample-base", "sample"]);
    assert.equal(changes.rows[0][4], "new-failure");
    assert.deepEqual(cmp.newFailures, [changes.rows[0][0]]);

    const deltas = latencyDeltaView(cmp);
    const nf002 = cmp.scenarios.find((s) => s.id === "NF-002")!;
    const row = deltas.rows.find((r) => r[0] === "NF-002" && r[1] === "during")!;
    const d = nf002.windows.during!.p95;
    assert.ok(row[2].startsWith(`${fmtMs(d.base)} → ${fmtMs(d.head)}`), row[2]);
    assert.ok(row[2].includes(d.delta! > 0 ? "(+" : "(−"), row[2]);

    const wc = deltas.rows.find((r) => r[0] === "WC-001" && r[1] === "after")!;
    const rate = cmp.scenarios.find((s) => s.id === "WC-001")!.windows.after!.errorRate;
    assert.ok(wc[4].endsWith(`(+${Math.round(rate.delta! * 10000) / 100} pp)`), wc[4]);

    const recovery = recoveryDeltaView(cmp);
    const failed = head.scenarios.find((s) => s.verdict === "failed")!;
    assert.match(recovery.rows.find((r) => r[0] === failed.id)![1], /→ never$/);
  });

  it("renders Markdown tables with escaped cells and a placeholder for no rows", () => {
    const md = toMarkdown({ header: ["a", "b"], rows: [["x|y", "z"]] });
    assert.match(md, /x\\\|y/);
    assert.equal(toMarkdown({ header: ["a"], rows: [] }), "_(none)_");
  });
});
