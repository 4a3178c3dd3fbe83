import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PrerequisiteError } from "../../../sdk/core/errors.ts";
import { findExecutable } from "../../../sdk/load/k6/k6-engine.ts";
import { k6ErrorKind } from "../../../sdk/load/k6/k6-points.ts";
import { load } from "../../../sdk/load/load.ts";

const plan = load
  .ramp(0, 5, "1s")
  .target("http://127.0.0.1:8080")
  .check("status is 2xx", (r) => r.status < 300)
  .threshold("http_req_failed", "rate<0.01");

describe("engine k6", () => {
  it("says which binary is missing, and sends nothing", async () => {
    await assert.rejects(plan.run({ engine: "k6", k6Binary: "k6-not-installed-here" }), (e: unknown) => {
      assert.ok(e instanceof PrerequisiteError);
      assert.match(e.message, /the k6 binary "k6-not-installed-here" was not found on PATH/);
      assert.match(e.message, /what to do: install k6/);
      return true;
    });
  });
  it("finds executables on a PATH", () => {
    assert.equal(findExecutable("node", process.env.PATH), findExecutable(process.execPath));
    assert.equal(findExecutable("surely-not-a-binary", "/usr/bin"), undefined);
  });

  // k6 cannot be installed here: a stand-in binary (unit test only) plays k6's part of the contract, i.e.
  // `k6 run --summary-export summary.json --out json=points.json script.js` in the working directory.
  describe("with a stand-in binary", () => {
    let dir: string;
    let bin: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "hivestorm-fake-k6-"));
      bin = join(dir, "k6");
      const summary = readFileSync(new URL("./fixtures/summary-export.json", import.meta.url), "utf8");
      writeFileSync(
        bin,
        `#!${process.execPath}
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.writeFileSync(${JSON.stringify(join(dir, "args.json"))}, JSON.stringify(args));
fs.copyFileSync("script.js", ${JSON.stringify(join(dir, "script.js"))});
const out = args[args.indexOf("--out") + 1].replace(/^json=/, "");
const now = Date.now();
const point = (metric, value, ms, tags) => JSON.stringify({ type: "Point", metric, data: { time: new Date(ms).toISOString(), value, tags } });
fs.writeFileSync(out, [
  JSON.stringify({ type: "Metric", metric: "http_req_duration", data: { name: "http_req_duration", type: "trend" } }),
  point("http_req_duration", 0.25, now, { status: "200", expected_response: "true" }),
  point("http_req_duration", 1.5, now, { status: "503", expected_response: "false" }),
  point("http_req_duration", 60000, now, { status: "0", error_code: "1050" }),
  point("checks", 1, now, { check: "status is 2xx" }),
  point("checks", 0, now, { check: "status is 2xx" }),
].join("\\n") + "\\n");
fs.writeFileSync(args[args.indexOf("--summary-export") + 1], ${JSON.stringify(summary)});
process.exit(99);
`,
      );
      chmodSync(bin, 0o755);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("runs the exported script and reads summary and points into the result model", async () => {
      const r = await plan.run({ engine: "k6", k6Binary: bin });
      const args = JSON.parse(readFileSync(join(dir, "args.json"), "utf8"));
      assert.deepEqual(args, [
        "run",
        "--quiet",
        "--summary-export",
        "summary.json",
        "--out",
        "json=points.json",
        "script.js",
      ]);
      assert.equal(readFileSync(join(dir, "script.js"), "utf8"), plan.toK6Script());
      assert.equal(r.engine, "k6");
      // from the points: three requests, one 200, one 503, one timeout
      assert.equal(r.totals.requests, 3);
      assert.deepEqual(r.totals.byStatus, { "0": 1, "200": 1, "503": 1 });
      assert.deepEqual(r.totals.byKind, { timeout: 1 });
      assert.equal(r.latency.min, 0.25);
      assert.ok(r.timeline.length >= 1);
      // from the summary: checks and the threshold verdicts k6 computed
      assert.deepEqual(r.totals.checks, { passes: 996, fails: 4 });
      assert.deepEqual(
        r.thresholds.map((t) => [t.expression, t.ok]),
        [["rate<0.01", true]],
      );
    });
  });
});

describe("k6ErrorKind", () => {
  it("maps k6's documented error codes", () => {
    assert.deepEqual([1050, 1211, 1101, 1212, 1220, 1201, 1000].map(k6ErrorKind), [
      "timeout",
      "timeout",
      "dns",
      "refused",
      "reset",
      "reset",
      "other",
    ]);
  });
});
