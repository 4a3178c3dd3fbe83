import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderMarkdownReport } from "../../sdk/report/markdown.ts";
import { buildJournal, chaosScenario, failedScenario, loadScenario } from "./fixtures.ts";

/** Every GFM table of a document: consecutive lines starting with `|`, split into cells on unescaped pipes. */
function tables(md: string): string[][][] {
  const out: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of md.split("\n")) {
    if (line.startsWith("|")) {
      const cells = line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim());
      if (!line.endsWith("|") || line.endsWith("\\|"))
        throw new Error(`row does not end with a pipe: ${line}`);
      if (!current) {
        current = [];
        out.push(current);
      }
      current.push(cells);
    } else current = undefined;
  }
  return out;
}

function findTable(md: string, firstHeader: string): string[][] {
  const t = tables(md).find((rows) => rows[0][0] === firstHeader);
  assert.ok(t, `a table headed ${firstHeader}`);
  return t;
}

describe("renderMarkdownReport", () => {
  const journal = buildJournal();
  const md = renderMarkdownReport(journal, {
    charts: { "NF-002": "charts/NF-002.svg", "WC-001": "charts/WC-001.svg" },
    loadCharts: { "LOAD-inference": "charts/LOAD-inference-load.svg" },
  });

  test("every table is well-formed: a delimiter row and the same number of cells in each row", () => {
    const all = tables(md);
    assert.ok(all.length >= 12, `found ${all.length} tables`);
    for (const rows of all) {
      assert.ok(rows.length >= 2);
      assert.ok(
        rows[1].every((c) => /^:?-+:?$/.test(c)),
        `delimiter row: ${rows[1].join("|")}`,
      );
      for (const row of rows) assert.equal(row.length, rows[0].length, `row ${row.join("|")}`);
    }
  });

  test("the verdict first, then what failed and why, then skips, then every scenario", () => {
    assert.ok(
      md.startsWith(
        "# hivestorm run 2026-11-27T10-00-00Z\n\n**FAILED: 2 of 5 scenarios failed, 1 errored, 1 skipped**\n",
      ),
    );
    const failed = md.indexOf("## What failed, and why");
    const skipped = md.indexOf("## Skipped");
    const all = md.indexOf("## All scenarios");
    assert.ok(failed > 0 && failed < skipped && skipped < all, "failures, then skips, then the list");
    const failures = md.slice(failed, skipped);
    assert.ok(
      failures.includes(
        "- **FAILED** [WC-001](#scenario-wc-001) Worker crash during inference: no 5xx after eviction: 50 × 503 (expected 0 responses with 5xx)",
      ),
    );
    assert.ok(
      failures.includes(
        '- **ERROR** [RE-001](#scenario-re-001) Disk full: FaultError: could not mount tmpfs: "permission denied" &lt;EPERM> & more',
      ),
    );
    // A failed thresholds check is said threshold by threshold, with units.
    assert.ok(failures.includes("Inference load: ramp to 100 users: failed requests 0.21% > 0.1% limit"));
    assert.ok(
      md
        .slice(skipped, all)
        .includes(
          "- [RE-005](#scenario-re-005) VRAM exhaustion: no GPU on this machine. To run it: `run on a machine with an NVIDIA GPU and pass --suites resource`",
        ),
    );
    const list = findTable(md, "id").slice(2);
    assert.deepEqual(
      list.map((r) => [r[0], r[3], r[5]]),
      [
        ["[NF-002](#scenario-nf-002)", "PASSED", "1.9s"],
        ["[WC-001](#scenario-wc-001)", "FAILED", "never"],
        ["[RE-005](#scenario-re-005)", "SKIPPED", "n/a"],
        ["[RE-001](#scenario-re-001)", "ERROR", "n/a"],
        ["[LOAD-inference](#scenario-load-inference)", "FAILED", "n/a"],
      ],
    );
    // In detail: failed, errored, passed, skipped; each group in the run's order.
    const order = ["WC-001", "LOAD-inference", "RE-001", "NF-002", "RE-005"].map((id) =>
      md.indexOf(`### ${id}: `),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    for (const s of journal.scenarios) assert.ok(md.includes(`<a id="scenario-${s.id.toLowerCase()}"></a>`));
  });

  test("the run's details: status, options, environment, suites", () => {
    const head = findTable(md, "run");
    assert.deepEqual(
      head.find((r) => r[0] === "status"),
      ["status", "FAILED"],
    );
    assert.deepEqual(
      head.find((r) => r[0] === "duration"),
      ["duration", "1m42s"],
    );
    assert.deepEqual(
      findTable(md, "option").find((r) => r[0] === "time scale"),
      ["time scale", "0.1"],
    );
    assert.deepEqual(
      findTable(md, "environment").find((r) => r[0] === "cpus"),
      ["cpus", "2"],
    );
    assert.deepEqual(findTable(md, "suite").slice(2), [
      ["network", "1", "1", "0", "0", "0", "PASSED"],
      ["worker-crash", "1", "0", "1", "0", "0", "FAILED"],
      ["resource", "2", "0", "0", "1", "1", "ERROR"],
      ["load", "1", "0", "1", "0", "0", "FAILED"],
    ]);
  });

  test("each scenario's verdict, reason and expected behaviour", () => {
    for (const s of journal.scenarios) {
      const section = md.slice(md.indexOf(`### ${s.id}: `));
      assert.ok(section.startsWith(`### ${s.id}: ${s.name}\n\n**${s.verdict.toUpperCase()}**: `), s.id);
      assert.ok(section.includes(`> ${s.expected.replace(/<(?=[A-Za-z])/g, "&lt;")}`), `${s.id} expected`);
    }
    assert.ok(md.includes("**PASSED**: every check passed"));
    assert.ok(md.includes("**SKIPPED**: no GPU on this machine"));
    assert.ok(md.includes("To run it: `run on a machine with an NVIDIA GPU and pass --suites resource`"));
  });

  test("checks, fault windows, before/during/after, recovery, chart and notes", () => {
    const nf = md.slice(md.indexOf("### NF-002"), md.indexOf("### RE-005"));
    assert.deepEqual(findTable(nf, "check")[2], ["p95 during fault", "< 2000 ms", "509 ms", "yes"]);
    assert.deepEqual(findTable(nf, "fault")[2].slice(5), ["+10s", "+20s", "10s"]);
    const windows = findTable(nf, "window");
    assert.deepEqual(windows[3], [
      "during",
      "+10s",
      "+20s",
      "100",
      "20",
      "20%",
      "504.5 ms",
      "509 ms",
      "509 ms",
      "509 ms",
      "network error: 20, 200: 80",
    ]);
    assert.deepEqual(windows[4].slice(0, 6), ["after", "+20s", "+30s", "100", "10", "10%"]);
    assert.match(nf, /Time to recover: \*\*recovered in 1\.9s\*\* \(deadline 10s: within the deadline\)/);
    assert.match(nf, /Criterion: 99% of requests succeed over 2000 ms/);
    assert.ok(nf.includes("![NF-002: latency and errors over time](charts/NF-002.svg)"));
    assert.ok(nf.includes("- latency injected by the embedded Toxiproxy"));
    const wc = md.slice(md.indexOf("### WC-001"), md.indexOf("### LOAD-inference"));
    assert.deepEqual(findTable(wc, "check")[2].at(-1), "NO");
    assert.match(wc, /\*\*did not recover\*\* \(deadline 5s: NOT within the deadline\)/);
  });

  test("load results: plan, latency summary, throughput, errors by status and kind, judged thresholds", () => {
    const load = md.slice(md.indexOf("### LOAD-inference"), md.indexOf("### RE-001"));
    assert.deepEqual(findTable(load, "engine")[2], [
      "autocannon",
      "closed",
      "1450",
      "1447",
      "3",
      "0.21%",
      "145 req/s",
      "0",
    ]);
    assert.deepEqual(findTable(load, "min")[2], [
      "2.5 ms",
      "20.3 ms",
      "15.5 ms",
      "44 ms",
      "52.1 ms",
      "99.5 ms",
      "180 ms",
      "240.8 ms",
    ]);
    assert.deepEqual(findTable(load, "status or kind").slice(2), [
      ["HTTP 200", "1447"],
      ["HTTP 503", "2"],
      ["timeout", "1"],
    ]);
    assert.ok(load.includes("Thresholds (judged: one that fails fails the scenario):"));
    assert.deepEqual(findTable(load, "metric").slice(2), [
      ["http_req_duration", "p(95)<500", "52.1 ms", "pass", "p95 latency 52.1 ms (limit < 500 ms)"],
      ["http_req_failed", "rate<0.001", "0.21%", "FAIL", "failed requests 0.21% > 0.1% limit"],
    ]);
    assert.ok(load.includes("(charts/LOAD-inference-load.svg)"));
    assert.ok(load.includes("**Plan as run:** closed model: ramp 0 → 100 users in 5s, hold 5s"));
    assert.ok(load.includes("checks passed: 99.52% (7 of 1447 failed)."));
  });

  test("thresholds a scenario only reports are shown as reported, never as NO or FAIL", () => {
    const s = loadScenario();
    s.verdict = "passed";
    s.reason = "all 2 checks held";
    s.checks = [
      { name: "overload shed cleanly", ok: true, expected: ">= 95% 429/503", observed: "all shed" },
    ];
    const text = renderMarkdownReport(buildJournal([s]));
    assert.ok(text.includes("Thresholds (reported, not judged:"));
    const rows = findTable(text, "metric").slice(2);
    assert.deepEqual(
      rows.map((r) => r[3]),
      ["held (reported, not judged)", "exceeded (reported, not judged)"],
    );
    assert.ok(!/\| (NO|FAIL) +\|/.test(text), "no NO or FAIL cell");
    assert.ok(!text.includes("What failed"));
  });

  test("every failed check is listed, none hidden behind (and N more)", () => {
    const s = failedScenario();
    s.checks = Array.from({ length: 4 }, (_, i) => ({
      name: `check ${i}`,
      ok: false,
      expected: `> ${i}`,
      observed: `${i} ms`,
    }));
    s.reason = "check 0: expected > 0, observed 0 ms (and 3 more)";
    const text = renderMarkdownReport(buildJournal([s]));
    const failures = text.slice(text.indexOf("## What failed"), text.indexOf("## All scenarios"));
    for (let i = 0; i < 4; i++)
      assert.ok(failures.includes(`  - check ${i}: ${i} ms (expected > ${i})`), `check ${i}`);
    assert.ok(!text.includes("and 3 more"));
  });

  test("recorded observations are shown when the journal has them", () => {
    const health = Array.from({ length: 47 }, (_, t) => ({ t, ok: true, ms: 12.5 }));
    const s = { ...failedScenario(), observations: { retries: 0, inflightAtKill: 3, health } };
    const text = renderMarkdownReport(buildJournal([s]));
    assert.deepEqual(findTable(text, "observation").slice(2), [
      ["health", "47 values (all in results.json)"],
      ["inflightAtKill", "3"],
      ["retries", "0"],
    ]);
  });

  test("an interrupted scenario is listed with the failures; services restarted and the fault's log are shown", () => {
    const cut = {
      ...chaosScenario({ id: "NF-001" }),
      verdict: "interrupted" as const,
      reason: "interrupted by SIGINT",
    };
    const nf = {
      ...chaosScenario(),
      logWindow: { file: "fault-windows/NF-002.log", lines: 12 },
      restorations: [
        { service: "hive", why: "its process (pid 123) exited", ok: true },
        { service: "worker-1", why: "answered 503", ok: false, error: "did not start in 10 s" },
      ],
    };
    const text = renderMarkdownReport(buildJournal([nf, cut]));
    assert.ok(
      text.includes("**FAILED: 1 of 2 scenarios interrupted**"),
      "the run's status, the scenarios' counts",
    );
    const failures = text.slice(text.indexOf("## What failed"), text.indexOf("## All scenarios"));
    assert.ok(
      failures.includes(
        "- **INTERRUPTED** [NF-001](#scenario-nf-001) Network latency 500 ms + jitter: interrupted by SIGINT",
      ),
    );
    assert.ok(
      text.includes(
        "What the services logged during the fault window: [fault-windows/NF-002.log](fault-windows/NF-002.log) (12 lines).",
      ),
    );
    assert.deepEqual(
      findTable(text, "service")
        .slice(2)
        .filter((r) => r.length === 3),
      [
        ["hive", "its process (pid 123) exited", "yes"],
        ["worker-1", "answered 503", "NO: did not start in 10 s"],
      ],
    );
  });

  test("deterministic, and values cannot break a table", () => {
    assert.equal(
      renderMarkdownReport(buildJournal(), {
        charts: { "NF-002": "charts/NF-002.svg", "WC-001": "charts/WC-001.svg" },
        loadCharts: { "LOAD-inference": "charts/LOAD-inference-load.svg" },
      }),
      md,
    );
    const s = chaosScenario();
    s.checks = [{ name: "a | b", ok: false, expected: "x\ny", observed: "ends with \\" }];
    s.verdict = "failed";
    const other = renderMarkdownReport(buildJournal([s]));
    const checks = findTable(other, "check");
    assert.deepEqual(checks[2], ["a \\| b", "x y", "ends with \\", "NO"]);
    assert.equal(findTable(other, "id")[2][4], "a \\| b: ends with \\ (expected x y)");
  });

  test("an empty or unfinished run still renders", () => {
    const j = { ...buildJournal([]), status: "running" as const, endedAt: undefined };
    const text = renderMarkdownReport(j);
    assert.match(text, /No scenario ran\./);
    assert.deepEqual(
      findTable(text, "run").find((r) => r[0] === "ended"),
      ["ended", "still running"],
    );
  });
});
