import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatConsoleSummary } from "../../sdk/report/console-summary.ts";
import { buildJournal, chaosScenario, loadScenario } from "./fixtures.ts";

describe("formatConsoleSummary", () => {
  test("the verdict, then failures and errors with every reason, then skips, then the report paths", () => {
    const text = formatConsoleSummary(buildJournal(), { runDir: "reports/2026-11-27T10-00-00Z" });
    assert.equal(
      text,
      [
        "hivestorm run 2026-11-27T10-00-00Z: FAILED: 2 of 5 scenarios failed, 1 errored, 1 skipped",
        "",
        "✗ FAILED WC-001: Worker crash during inference",
        "      no 5xx after eviction: 50 × 503 (expected 0 responses with 5xx)",
        "✗ ERROR  RE-001: Disk full",
        '      FaultError: could not mount tmpfs: "permission denied" <EPERM> & more',
        "✗ FAILED LOAD-inference: Inference load: ramp to 100 users",
        "      failed requests 0.21% > 0.1% limit",
        "",
        "skipped (1):",
        "  - RE-005: no GPU on this machine",
        "      to run it: run on a machine with an NVIDIA GPU and pass --suites resource",
        "",
        "1 of 5 scenarios passed in 1m42s.",
        "",
        "report   reports/2026-11-27T10-00-00Z/report.html  (open it in a browser; works from disk)",
        "         reports/2026-11-27T10-00-00Z/REPORT.md",
        "results  reports/2026-11-27T10-00-00Z/results.json",
        "",
      ].join("\n"),
    );
  });

  test("a passed run says so, and names the loads whose thresholds were only reported", () => {
    const load = loadScenario();
    load.verdict = "passed";
    load.checks = [];
    const j = { ...buildJournal([chaosScenario(), load]), status: "passed" as const };
    const text = formatConsoleSummary(j, { runDir: "reports/latest" });
    assert.ok(text.startsWith("hivestorm run 2026-11-27T10-00-00Z: PASSED: 2 of 2 scenarios passed\n"));
    assert.ok(!text.includes("✗"));
    assert.match(text, /note: LOAD-inference exceeded load thresholds that they report without judging/);
  });

  test("interrupted scenarios with the failures; services restarted after a scenario", () => {
    const cut = {
      ...chaosScenario({ id: "NF-001" }),
      verdict: "interrupted" as const,
      reason: "interrupted by SIGTERM",
    };
    const nf = {
      ...chaosScenario(),
      restorations: [{ service: "hive", why: "answered 503", ok: false, error: "timeout" }],
    };
    const text = formatConsoleSummary({ ...buildJournal([nf, cut]), status: "interrupted" }, { runDir: "r" });
    assert.ok(
      text.startsWith("hivestorm run 2026-11-27T10-00-00Z: INTERRUPTED: 1 of 2 scenarios interrupted\n"),
      text,
    );
    assert.match(text, /✗ INTERRUPTED NF-001: Network latency 500 ms \+ jitter\n {6}interrupted by SIGTERM/);
    assert.match(
      text,
      /services found down and restarted:\n {2}- hive after NF-002: answered 503; could not restart it: timeout/,
    );
  });
});
