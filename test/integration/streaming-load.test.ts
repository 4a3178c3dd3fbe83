// LT-004 end to end with the stall-stream switch: run-all --quick --only LT-004 against the demo. Stalled
// streams must fail it on the inter-token latency and be counted as cut. (The healthy run is load-suite.test.ts's:
// its verdict follows what was measured, as LT-001's.)
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
    assert.ok(s && s.streams > 0, `real streams: ${s?.streams}; ${JSON.stringify(load.totals)}`);
    // every stream stops half-way: the client cuts it after 2 s without a token
    assert.ok((s.byCut.timeout ?? 0) / s.streams > 0.9, JSON.stringify(s.byCut));
    assert.equal(threshold(load, "inter_token_latency")?.ok, false);
    assert.ok((threshold(load, "inter_token_latency")?.value ?? 0) >= 2000);
    assert.equal(threshold(load, "streams_cut")?.ok, false);
  });
});
