// The latency distribution of a load, from the HdrHistogram the engine recorded (every request, µs), as bins
// on a log scale: loopback latencies span 0.1 ms to seconds, and a linear axis would crush all but the tail.
import * as hdr from "hdr-histogram-js";

export interface HistogramBin {
  /** Bin edges in ms; the bin holds values in [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  count: number;
}

/** Bins of a compressed-base64 µs HdrHistogram; `perDecade` bins per factor of 10. Empty for no data. */
export function latencyHistogram(base64: string, perDecade = 10): HistogramBin[] {
  const h = hdr.decodeFromCompressedBase64(base64, 32, false) as hdr.JsHistogram;
  if (h.totalCount === 0) return [];
  const values: { us: number; count: number }[] = [];
  const it = h.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const v = it.next();
    values.push({ us: h.medianEquivalentValue(v.valueIteratedTo), count: v.countAtValueIteratedTo });
  }
  const lo = Math.max(1, values[0].us);
  const first = Math.floor(Math.log10(lo) * perDecade);
  const last = Math.floor(Math.log10(Math.max(1, values[values.length - 1].us)) * perDecade);
  const bins: HistogramBin[] = [];
  for (let k = first; k <= last; k++)
    bins.push({ fromMs: 10 ** (k / perDecade) / 1000, toMs: 10 ** ((k + 1) / perDecade) / 1000, count: 0 });
  for (const v of values) {
    const k = Math.min(last, Math.max(first, Math.floor(Math.log10(Math.max(1, v.us)) * perDecade)));
    bins[k - first].count += v.count;
  }
  return bins;
}
