import { performance } from "node:perf_hooks";
import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

// Node's timers run on a whole-millisecond clock and fire about 1 ms late. So the timer aims 1 ms early, the
// last fraction of a millisecond is waited out on the check phase (setImmediate), and a chunk within half a
// millisecond of its due time goes: measured, the delay then lands within about +0.3 ms of the setting.
const EARLY_MS = 0.5;
const TIMER_LEAD_MS = 1;

/** Delays each chunk to (its time + latency ± jitter), in order; a chunk queued behind another is not delayed twice. */
class LatencyPipe implements ToxicPipe {
  private readonly queue: Chunk[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private ended = false;
  private lastDue = 0;

  constructor(
    private readonly latency: number,
    private readonly jitter: number,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    let delay = this.latency;
    if (this.jitter > 0) delay += Math.floor(Math.random() * 2 * this.jitter) - this.jitter;
    // Never reorder: a chunk is due no earlier than the one before it.
    const due = Math.max(chunk.at + Math.max(0, delay), this.lastDue);
    this.lastDue = due;
    this.queue.push({ data: chunk.data, at: due });
    if (this.queue.length === 1) this.release();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.out.end();
  }

  stop(): void {
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
    for (const chunk of this.queue.splice(0)) this.out.emit(chunk);
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].at <= now + EARLY_MS) this.out.emit(this.queue.shift()!);
    if (this.queue.length === 0) {
      if (this.ended) this.out.end();
      return;
    }
    const wait = this.queue[0].at - now;
    this.timer =
      wait > TIMER_LEAD_MS * 1.5
        ? setTimeout(this.release, timerDelay(wait - TIMER_LEAD_MS))
        : setImmediate(this.release);
  };
}

export const latency: ToxicKind = {
  type: "latency",
  goStruct: "LatencyToxic",
  attributes: [
    { name: "latency", goType: "int64", default: 0 },
    { name: "jitter", goType: "int64", default: 0 },
  ],
  start: (a: Attributes, out) => new LatencyPipe(a.latency, a.jitter, out),
};
