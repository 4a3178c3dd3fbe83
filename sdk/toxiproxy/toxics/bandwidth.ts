import { performance } from "node:perf_hooks";
import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

const EARLY_MS = 0.5;
// Upstream sends a large chunk in pieces worth 100 ms each, so that a slow link still trickles.
const PIECE_MS = 100;

/**
 * Lets `rate` KB/s (1 KB = 1000 bytes, i.e. `rate` bytes per ms) through. Each piece leaves when the line has
 * carried the pieces before it: due = max(arrival, line free) + size / rate. Due times are absolute, so timer
 * lateness never accumulates into a lower rate.
 */
class BandwidthPipe implements ToxicPipe {
  private readonly queue: { data: Buffer; arrived: number; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ended = false;
  private lineFree = 0;

  constructor(
    private readonly rate: number,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    if (this.rate <= 0) {
      this.out.emit(chunk);
      return;
    }
    const arrived = performance.now();
    const piece = this.rate * PIECE_MS;
    for (let i = 0; i < chunk.data.length; i += piece) {
      this.queue.push({ data: chunk.data.subarray(i, i + piece), arrived, at: chunk.at });
    }
    if (this.timer === undefined) this.release();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.end();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const p of this.queue.splice(0)) this.out.emit({ data: p.data, at: p.at });
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const due = Math.max(head.arrived, this.lineFree) + head.data.length / this.rate;
      if (due > now + EARLY_MS) {
        this.timer = setTimeout(this.release, timerDelay(due - now));
        return;
      }
      this.lineFree = due;
      this.queue.shift();
      this.out.emit({ data: head.data, at: head.at });
    }
    if (this.ended) this.out.end();
  };
}

export const bandwidth: ToxicKind = {
  type: "bandwidth",
  goStruct: "BandwidthToxic",
  attributes: [{ name: "rate", goType: "int64", default: 0 }],
  start: (a: Attributes, out) => new BandwidthPipe(a.rate, out),
};
