// The token side of a run's Recorder: histograms (µs) of time to first token, inter-token gaps and time per
// output token over the run and per one-second window, and the counts of streams, cut streams and tokens.
import { createHistogram, encodeHistogram, type Histogram, recordMs, summarize } from "../histogram.ts";
import type { CutKind, LoadSample, StreamRecord, StreamTotals } from "../types.ts";

/** What one second of a run holds of its streams. */
export interface StreamWindow {
  tokens: number;
  streams: number;
  cut: number;
  ttft: Histogram;
  itl: Histogram;
}

/** How a stream ended, as the engine hands it over. */
export interface StreamEnd {
  tokens: number;
  /** performance.now() of the first and the latest token. */
  firstTokenAt?: number;
  lastTokenAt?: number;
  cut?: CutKind;
}

export class StreamTally {
  readonly ttft = createHistogram();
  readonly itl = createHistogram();
  readonly tpot = createHistogram();
  streams = 0;
  completed = 0;
  cut = 0;
  readonly byCut: Partial<Record<CutKind, number>> = {};
  tokens = 0;

  window(): StreamWindow {
    return { tokens: 0, streams: 0, cut: 0, ttft: createHistogram(), itl: createHistogram() };
  }

  firstToken(w: StreamWindow, ms: number): void {
    recordMs(this.ttft, ms);
    recordMs(w.ttft, ms);
  }

  gap(w: StreamWindow, ms: number): void {
    recordMs(this.itl, ms);
    recordMs(w.itl, ms);
  }

  addTokens(w: StreamWindow, n: number): void {
    this.tokens += n;
    w.tokens += n;
  }

  /** A stream ended (in window `w`); `start` is its performance.now() start. Returns its record. */
  ended(w: StreamWindow, start: number, s: StreamEnd): StreamRecord {
    this.streams++;
    w.streams++;
    const record: StreamRecord = { tokens: s.tokens };
    if (s.firstTokenAt !== undefined) record.ttftMs = s.firstTokenAt - start;
    if (s.cut !== undefined) {
      this.cut++;
      w.cut++;
      this.byCut[s.cut] = (this.byCut[s.cut] ?? 0) + 1;
      record.cut = s.cut;
    } else {
      this.completed++;
      // time per output token, as serving benchmarks define it: of whole streams, after the first token
      if (s.tokens >= 2 && s.firstTokenAt !== undefined && s.lastTokenAt !== undefined) {
        record.tpotMs = (s.lastTokenAt - s.firstTokenAt) / (s.tokens - 1);
        recordMs(this.tpot, record.tpotMs);
      }
    }
    return record;
  }

  /** The window's fields of a timeline sample. */
  sample(w: StreamWindow | undefined, lengthS: number): Partial<LoadSample> {
    const pct = (h: Histogram | undefined, p: number) =>
      h && h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : 0;
    const tokens = w?.tokens ?? 0;
    return {
      tokens,
      tps: Math.round((tokens / lengthS) * 100) / 100,
      streams: w?.streams ?? 0,
      cut: w?.cut ?? 0,
      ttftP50: pct(w?.ttft, 50),
      ttftP95: pct(w?.ttft, 95),
      ttftP99: pct(w?.ttft, 99),
      itlP50: pct(w?.itl, 50),
      itlP95: pct(w?.itl, 95),
      itlP99: pct(w?.itl, 99),
    };
  }

  /** Counts of a window that closed after the run's end, added to the last sample. */
  fold(last: LoadSample, w: StreamWindow): void {
    last.tokens = (last.tokens ?? 0) + w.tokens;
    last.streams = (last.streams ?? 0) + w.streams;
    last.cut = (last.cut ?? 0) + w.cut;
  }

  destroyWindow(w: StreamWindow): void {
    w.ttft.destroy();
    w.itl.destroy();
  }

  totals(elapsedMs: number, encode = true): StreamTotals {
    const enc = (h: Histogram) =>
      encode
        ? encodeHistogram(h)
        : { unit: "us" as const, encoding: "hdr-compressed-base64" as const, data: "" };
    return {
      streams: this.streams,
      completed: this.completed,
      cut: this.cut,
      byCut: { ...this.byCut },
      tokens: this.tokens,
      tokensPerSecond: elapsedMs > 0 ? Math.round((this.tokens / (elapsedMs / 1000)) * 100) / 100 : 0,
      ttft: summarize(this.ttft),
      itl: summarize(this.itl),
      tpot: summarize(this.tpot),
      histograms: { ttft: enc(this.ttft), itl: enc(this.itl), tpot: enc(this.tpot) },
    };
  }

  destroy(): void {
    this.ttft.destroy();
    this.itl.destroy();
    this.tpot.destroy();
  }
}
