import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  percentileOf,
  recordMs,
  summarize,
  summarizeEncoded,
} from "../../sdk/load/histogram.ts";

describe("histogram", () => {
  it("keeps microsecond resolution below a millisecond (autocannon truncates to 0)", () => {
    const h = createHistogram();
    for (const v of [0.25, 0.5, 0.75]) recordMs(h, v);
    const s = summarize(h);
    assert.equal(s.min, 0.25);
    assert.equal(s.p50, 0.5);
    assert.equal(s.max, 0.75);
    assert.equal(s.count, 3);
  });
  it("merges exactly: merging parts equals recording everything in one", () => {
    const all = createHistogram();
    const parts = [createHistogram(), createHistogram(), createHistogram()];
    for (let i = 0; i < 3000; i++) {
      const v = ((i * 7919) % 5000) / 100; // 0..50 ms, spread
      recordMs(all, v);
      recordMs(parts[i % 3], v);
    }
    const merged = mergeHistograms(parts.map(encodeHistogram));
    const a = summarize(all);
    const m = summarizeEncoded(merged);
    assert.deepEqual(m, a);
    assert.equal(percentileOf(merged, 99), a.p99);
  });
  it("round-trips through JSON and accepts larger values after decoding", () => {
    const h = createHistogram();
    recordMs(h, 1.5);
    const e = JSON.parse(JSON.stringify(encodeHistogram(h)));
    const d = decodeHistogram(e);
    recordMs(d, 120_000);
    assert.equal(d.totalCount, 2);
  });
  it("summarizes an empty histogram as zeros", () => {
    assert.equal(summarize(createHistogram()).p99, 0);
  });
});
