import { performance } from "node:perf_hooks";
import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

/**
 * Slice boundaries of a segment of `length` bytes, by upstream's recursive bisection: a segment stops splitting
 * once `length - averageSize <= sizeVariation`, otherwise it splits at its middle ± a random offset. Unlike
 * upstream the split point is clamped inside the segment, and the walk is iterative, so no input can crash it.
 * Returns the lengths of the slices, in order.
 */
export function sliceLengths(
  length: number,
  averageSize: number,
  sizeVariation: number,
  random: () => number = Math.random,
): number[] {
  const out: number[] = [];
  const stack: number[] = [length];
  while (stack.length > 0) {
    const len = stack.pop()!;
    if (len - averageSize <= sizeVariation || len < 2) {
      if (len > 0) out.push(len);
      continue;
    }
    let mid = Math.floor(len / 2);
    if (sizeVariation > 0) mid += Math.floor(random() * sizeVariation * 2) - sizeVariation;
    mid = Math.min(len - 1, Math.max(1, mid));
    stack.push(len - mid, mid); // right pushed first, so the left half is emitted first
  }
  return out;
}

/** Emits each slice as its own write, `delay` µs apart (after the last slice too, as upstream). */
class SlicerPipe implements ToxicPipe {
  private readonly queue: Chunk[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private ended = false;
  private nextAt = 0;

  constructor(
    private readonly average: number,
    private readonly variation: number,
    private readonly delayMs: number,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    let offset = 0;
    for (const len of sliceLengths(chunk.data.length, this.average, this.variation)) {
      this.queue.push({ data: chunk.data.subarray(offset, offset + len), at: chunk.at });
      offset += len;
    }
    if (this.timer === undefined) this.release();
  }

  end(): void {
    this.ended = true;
    if (this.queue.length === 0 && this.timer === undefined) this.out.end();
  }

  stop(): void {
    this.cancel();
    for (const chunk of this.queue.splice(0)) this.out.emit(chunk);
  }

  private cancel(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer as NodeJS.Timeout);
    clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const now = performance.now();
    if (now < this.nextAt - 0.5) {
      this.timer = setTimeout(this.release, timerDelay(this.nextAt - now));
      return;
    }
    const chunk = this.queue.shift();
    if (chunk === undefined) {
      if (this.ended) this.out.end();
      return;
    }
    this.out.emit(chunk);
    this.nextAt = Math.max(now, this.nextAt) + this.delayMs;
    // Yield even without a delay, so that each slice leaves in its own write.
    this.timer =
      this.nextAt - now >= 1
        ? setTimeout(this.release, timerDelay(this.nextAt - now))
        : setImmediate(this.release);
  };
}

export const slicer: ToxicKind = {
  type: "slicer",
  goStruct: "SlicerToxic",
  attributes: [
    { name: "average_size", goType: "int", default: 0 },
    { name: "size_variation", goType: "int", default: 0 },
    { name: "delay", goType: "int", default: 0 },
  ],
  // Deviation from upstream, which dies on these (stack overflow, slice bounds): refuse them with a 400.
  check(a: Attributes): string[] {
    const problems: string[] = [];
    if (a.average_size <= 0) problems.push(`average_size must be greater than 0, got ${a.average_size}`);
    if (a.size_variation < 0) problems.push(`size_variation must not be negative, got ${a.size_variation}`);
    if (a.size_variation > a.average_size) {
      problems.push(`size_variation (${a.size_variation}) must not exceed average_size (${a.average_size})`);
    }
    return problems;
  },
  start: (a: Attributes, out) =>
    new SlicerPipe(a.average_size, a.size_variation, Math.max(0, a.delay) / 1000, out),
};
