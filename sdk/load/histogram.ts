// Latency histograms in microseconds (autocannon's own are whole milliseconds: p50 = 0 on loopback). Stored
// as compressed base64 HdrHistograms so that results from stepped instances, runs or machines merge exactly.
import * as hdr from "hdr-histogram-js";
import type { EncodedHistogram, LatencySummary } from "./types.ts";

export type Histogram = hdr.Histogram;

// 3 significant digits is k6-grade (0.1% value error). The WASM build records in 0.05 µs against 0.25–0.35 µs
// for the JS one, which is 1% of autocannon's cost per request; its memory is freed by destroy().
const SPEC = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  numberOfSignificantValueDigits: 3,
  autoResize: true,
  useWebAssembly: true,
  bitBucketSize: 32,
} as const;

let wasmReady = false;

function ensureWasm(): void {
  if (wasmReady) return;
  hdr.initWebAssemblySync();
  wasmReady = true;
}

/** A new empty histogram in microseconds (destroy() it when done). */
export function createHistogram(): Histogram {
  ensureWasm();
  return hdr.build(SPEC);
}

/** Records a latency given in (float) milliseconds. */
export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(0, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): EncodedHistogram {
  return { unit: "us", encoding: "hdr-compressed-base64", data: hdr.encodeIntoCompressedBase64(h) };
}

export function decodeHistogram(e: EncodedHistogram): Histogram {
  ensureWasm();
  const h = hdr.decodeFromCompressedBase64(e.data, 32, true);
  // Decoded histograms come back with a fixed range; merging larger values into them must not throw.
  h.autoResize = true;
  return h;
}

/** Adds histograms together exactly (HDR counts add bucket by bucket). */
export function mergeHistograms(list: readonly EncodedHistogram[]): EncodedHistogram {
  const total = createHistogram();
  for (const e of list) {
    const h = decodeHistogram(e);
    total.add(h);
    h.destroy();
  }
  const out = encodeHistogram(total);
  total.destroy();
  return out;
}

/** The value at a percentile (0..100) of an encoded histogram, in ms. */
export function percentileOf(e: EncodedHistogram, percentile: number): number {
  const h = decodeHistogram(e);
  const v = h.totalCount === 0 ? 0 : h.getValueAtPercentile(percentile) / 1000;
  h.destroy();
  return v;
}

/** Summary in ms (µs resolution) of a live histogram. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) {
    return { count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  }
  const at = (p: number) => h.getValueAtPercentile(p) / 1000;
  return {
    count: h.totalCount,
    // minNonZeroValue would hide recorded zeros (autocannon's "min: 1, p50: 0" confusion).
    min: at(0),
    mean: h.mean / 1000,
    stdev: h.stdDeviation / 1000,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    p999: at(99.9),
    // from the buckets, not the live max, so a decoded histogram summarizes the same as the live one
    max: at(100),
  };
}

/** Summary in ms of an encoded histogram. */
export function summarizeEncoded(e: EncodedHistogram): LatencySummary {
  const h = decodeHistogram(e);
  const s = summarize(h);
  h.destroy();
  return s;
}
