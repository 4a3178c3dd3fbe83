import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { inferencePattern, RBEE_THRESHOLDS } from "../../../scenarios/_lib/rbee-patterns.ts";
import { k6OperatorSplit, k6SplitWhole } from "../../../sdk/load/k6/k6-operator.ts";
import { load } from "../../../sdk/load/load.ts";

const TARGET = "http://queen.example:8080";

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: unknown;
  data: Record<string, string>;
  spec: unknown;
}

function docs(yaml: string): Doc[] {
  return parseAllDocuments(yaml).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS() as Doc;
  });
}

/** The `options` object of a generated script, parsed back. */
function scriptOptions(script: string): { thresholds: Record<string, string[]> } {
  const m = /export const options = (\{[\s\S]*?\n\});/.exec(script);
  assert.ok(m, "the script declares its options");
  return JSON.parse(m[1]);
}

describe("plan.toK6OperatorTestRun", () => {
  it("writes a ConfigMap with the script and its thresholds, and a TestRun with the parallelism", () => {
    const yaml = inferencePattern({ target: TARGET }).toK6OperatorTestRun({
      parallelism: 4,
      separate: true,
      namespace: "rbee",
      arguments: "--out experimental-prometheus-rw",
      env: { BASE_URL: "http://queen.rbee:8080" },
      limits: { cpu: "2" },
    });
    const [cm, tr] = docs(yaml);
    assert.equal(cm.kind, "ConfigMap");
    assert.deepEqual(cm.metadata, { name: "inference-load", namespace: "rbee" });
    assert.deepEqual(scriptOptions(cm.data["test.js"]).thresholds, RBEE_THRESHOLDS);
    assert.equal(tr.apiVersion, "k6.io/v1alpha1");
    assert.equal(tr.kind, "TestRun");
    assert.deepEqual(tr.spec, {
      parallelism: 4,
      separate: true,
      script: { configMap: { name: "inference-load", file: "test.js" } },
      arguments: "--tag testid=inference-load --out experimental-prometheus-rw",
      runner: {
        env: [{ name: "BASE_URL", value: "http://queen.rbee:8080" }],
        resources: { limits: { cpu: "2" } },
      },
      cleanup: "post",
    });
  });

  it("refuses a parallelism that is not a whole number ≥ 1", () => {
    for (const parallelism of [0, 1.5, -2])
      assert.throws(
        () => inferencePattern({ target: TARGET }).toK6OperatorTestRun({ parallelism }),
        /parallelism must be a whole number/,
      );
  });

  it("refuses more runners than VUs, as k6-operator's initializer does", () => {
    assert.throws(
      () => load.constant(3, "10s").target(TARGET).toK6OperatorTestRun({ parallelism: 4 }),
      /parallelism 4 is more than the plan's 3 VUs at most/,
    );
  });
});

describe("k6SplitWhole (k6's striping over equal segments)", () => {
  it("gives the remainder to the first pods", () => {
    assert.deepEqual(k6SplitWhole(10, 3), [4, 3, 3]);
    assert.deepEqual(k6SplitWhole(1000, 4), [250, 250, 250, 250]);
    assert.deepEqual(k6SplitWhole(2, 4), [1, 1, 0, 0]);
    assert.deepEqual(k6SplitWhole(7, 1), [7]);
  });

  it("adds up to the whole, differs by at most one, and never shrinks as the value grows", () => {
    for (let n = 1; n <= 7; n++) {
      let previous = k6SplitWhole(0, n);
      for (let v = 0; v <= 60; v++) {
        const s = k6SplitWhole(v, n);
        assert.equal(
          s.reduce((a, b) => a + b, 0),
          v,
        );
        assert.ok(Math.max(...s) - Math.min(...s) <= 1);
        for (const [i, x] of s.entries()) assert.ok(x >= previous[i], `v=${v} n=${n} pod ${i}`);
        previous = s;
      }
    }
  });
});

describe("k6OperatorSplit", () => {
  it("splits a closed plan's VUs per stage, with k6-operator's segments", () => {
    const plan = inferencePattern({ target: TARGET }).resolve();
    const pods = k6OperatorSplit(plan, 3);
    assert.deepEqual(
      pods.map((p) => p.segment),
      ["0:1/3", "1/3:2/3", "2/3:1"],
    );
    assert.deepEqual(
      pods.map((p) => p.stageVUs),
      [
        [334, 334, 0],
        [333, 333, 0],
        [333, 333, 0],
      ],
    );
    assert.deepEqual(
      pods.map((p) => p.maxVUs),
      [334, 333, 333],
    );
  });

  it("splits an open plan's arrival rate exactly and its VU pool as whole VUs", () => {
    const plan = load.rate(10, "1m").ramp(101, "1m").maxInFlight(10).target(TARGET).resolve();
    const pods = k6OperatorSplit(plan, 4);
    for (const p of pods) {
      assert.equal(p.startRate, 2.5);
      assert.deepEqual(p.stageRates, [2.5, 25.25]);
    }
    assert.deepEqual(
      pods.map((p) => p.maxVUs),
      [3, 3, 2, 2],
    );
  });
});

describe("k6OperatorSplit against k6 itself", () => {
  let k6: string | undefined;
  try {
    execFileSync("k6", ["version"], { stdio: "ignore" });
    k6 = "k6";
  } catch {
    k6 = undefined;
  }
  it("matches `k6 inspect --execution-requirements` per segment", {
    skip: k6 ? false : "k6 is not on PATH",
  }, () => {
    const plan = load.ramp(0, 10, "10s").target(TARGET);
    const dir = mkdtempSync(join(tmpdir(), "hs-k6-split-"));
    try {
      const file = join(dir, "script.js");
      writeFileSync(file, plan.toK6Script());
      const pods = k6OperatorSplit(plan.resolve(), 3);
      for (const p of pods) {
        const out = execFileSync(k6!, [
          "inspect",
          "--execution-requirements",
          `--execution-segment=${p.segment}`,
          "--execution-segment-sequence=0,1/3,2/3,1",
          file,
        ]).toString();
        assert.equal(JSON.parse(out).maxVUs, p.maxVUs, `segment ${p.segment}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
