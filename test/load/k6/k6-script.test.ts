import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { inferencePattern } from "../../../scenarios/_lib/rbee-patterns.ts";
import { load } from "../../../sdk/load/load.ts";

/** The `options` object of a generated script, parsed back. */
interface K6Options {
  scenarios: Record<string, Record<string, unknown>>;
  thresholds: Record<string, unknown[]>;
  summaryTrendStats: string[];
}

function optionsOf(script: string): K6Options {
  const m = /export const options = (\{[\s\S]*?\n\});/.exec(script);
  assert.ok(m, "script has export const options");
  return JSON.parse(m[1]);
}

function assertValidModule(script: string): void {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-k6-script-"));
  try {
    const file = join(dir, "script.mjs");
    writeFileSync(file, script);
    execFileSync(process.execPath, ["--check", file], { stdio: "pipe" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("plan.toK6Script", () => {
  it("writes the rbee inference pattern as a ramping-vus scenario with its thresholds", () => {
    const script = inferencePattern({ target: "http://127.0.0.1:8080" }).toK6Script();
    const o = optionsOf(script);
    const sc = o.scenarios["inference-load"];
    assert.equal(sc.executor, "ramping-vus");
    assert.equal(sc.startVUs, 0);
    assert.deepEqual(sc.stages, [
      { duration: "300s", target: 1000 },
      { duration: "600s", target: 1000 },
      { duration: "60s", target: 0 },
    ]);
    assert.deepEqual(o.thresholds, {
      http_req_failed: ["rate<0.01"],
      http_req_duration: ["p(95)<500", "p(99)<1000"],
      checks: ["rate>0.99"],
    });
    assert.ok(o.summaryTrendStats.includes("p(99)"));
    assert.match(script, /const BASE_URL = __ENV\.BASE_URL \|\| "http:\/\/127\.0\.0\.1:8080";/);
    assert.match(script, /http\.request\("POST", `\$\{BASE_URL\}\/v1\/inference`, BODY, PARAMS\);/);
    assert.match(
      script,
      /const BODY = "\{\\"prompt\\":\\"Say hello\\",\\"max_tokens\\":8,\\"stream\\":false\}";/,
    );
    // the check's own source (whitespace as the TypeScript loader left it)
    assert.match(
      script,
      /"status is 2xx": \(?res\)?\s*=>\s*res\.status\s*>=\s*200\s*&&\s*res\.status\s*<\s*300,/,
    );
    assert.match(script, /sleep\(1\);/);
    assertValidModule(script);
  });

  it("writes a rate plan as ramping-arrival-rate with its VU cap and abortOnFail", () => {
    const script = load
      .rate(100, "30s")
      .ramp(400, "1m")
      .maxInFlight(250)
      .named("api rate")
      .target("http://127.0.0.1:9000")
      .request({ method: "GET", url: "/health" })
      .threshold("dropped_iterations", "count<1")
      .threshold("http_req_failed", { threshold: "rate<0.05", abortOnFail: true, delayAbortEval: "10s" })
      .toK6Script();
    const o = optionsOf(script);
    assert.deepEqual(o.scenarios["api-rate"], {
      executor: "ramping-arrival-rate",
      startRate: 100,
      timeUnit: "1s",
      preAllocatedVUs: 250,
      maxVUs: 250,
      stages: [
        { duration: "30s", target: 100 },
        { duration: "60s", target: 400 },
      ],
      gracefulStop: "5s",
    });
    assert.deepEqual(o.thresholds.http_req_failed, [
      { threshold: "rate<0.05", abortOnFail: true, delayAbortEval: "10000ms" },
    ]);
    assert.doesNotMatch(script, /sleep\(/);
    assert.match(script, /const BODY = null;/);
    assertValidModule(script);
  });

  it("expresses fractional rates per 1000 s, since k6 wants whole starts per timeUnit", () => {
    const o = optionsOf(load.rate(0.5, "10s").target("http://127.0.0.1:1").toK6Script());
    const sc = Object.values(o.scenarios)[0] as Record<string, unknown>;
    assert.equal(sc.timeUnit, "1000s");
    assert.equal(sc.startRate, 500);
  });

  it("refuses to export an invalid plan", () => {
    assert.throws(() => load.ramp(0, -1, "0s").target("http://127.0.0.1:1").toK6Script(), /\(2 problems\)/);
  });
});
