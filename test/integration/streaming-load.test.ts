// LT-004 end to end: run-all --quick --only LT-004 against the demo, healthy and with the stall-stream switch.
// Stalled streams must fail it on the inter-token latency (and be counted as cut); the healthy demo's verdict
// must follow what was measured (on a busy machine 1000 users may exceed the latency budgets, as in LT-001).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LoadResult } from "../../sdk/load/types.ts";
import { assertNothingLeft, demoPorts, journalOf, runAllChild } from "./run-all-child.ts";

const OFFSET = 1650;

async function lt004(extra: string[]): Promise<{ verdict: string; load: LoadResult }> {
  const run = await runAllChild(["--quick", "--only", "LT-004", ...extra], {
    offset: OFFSET,
    timeoutMs: 300_000,
  });
  await assertNothingLeft(run, demoPorts(OFFSET));
  const s = journalOf(run).scenarios[0];
  assert.equal(s.id, "LT-004");
  assert.notEqual(s.verdict, "error", `${s.reason}\n${run.stderr}`);
  return { verdict: s.verdict, load: s.load as LoadResult };
}

const threshold = (l: LoadResult, metric: string) => l.thresholds.find((t) => t.metric === metric);

describe("LT-004 streaming load", { timeout: 700_000 }, () => {
  it("fails on inter-token latency when the workers stall their streams, and counts the cut streams", async () => {
    const { verdict, load } = await lt004(["--demo-bug", "stall-stream"]);
    assert.equal(verdict, "failed");
    const s = load.streams;
    assert.ok(s && s.streams > 100, `real streams: ${s?.streams}; ${JSON.stringify(load.totals)}`);
    // every stream stops half-way: the client cuts it after 2 s without a token
    assert.ok((s.byCut.timeout ?? 0) / s.streams > 0.9, JSON.stringify(s.byCut));
    assert.equal(threshold(load, "inter_token_latency")?.ok, false);
    assert.ok((threshold(load, "inter_token_latency")?.value ?? 0) >= 2000);
    assert.equal(threshold(load, "streams_cut")?.ok, false);
  });

  it("on the healthy demo streams end whole and the verdict follows the measured thresholds", async () => {
    const { verdict, load } = await lt004([]);
    const s = load.streams;
    assert.ok(s && s.streams > 1000, `real streams: ${s?.streams}; ${JSON.stringify(load.totals)}`);
    assert.equal(s.tokens >= 8 * s.completed, true);
    // nothing stalls: a stream cut by the 2 s inter-token timeout would be a wedge, not slowness
    assert.ok((s.byCut.timeout ?? 0) / s.streams < 0.1, JSON.stringify(s.byCut));
    assert.equal(load.thresholds.length, 7);
    for (const t of load.thresholds) {
      const [, op, bound] = /([<>]=?)(\d+(?:\.\d+)?)/.exec(t.expression) ?? [];
      assert.equal(
        t.ok,
        op === "<" ? t.value < Number(bound) : t.value > Number(bound),
        `${t.metric} ${t.expression}`,
      );
    }
    if (load.thresholdsFailed) assert.equal(verdict, "failed");
  });
});
