import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

/** Passes data through and delays the close that follows the source's EOF by `delay` ms. */
class SlowClosePipe implements ToxicPipe {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delay: number,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    this.out.emit(chunk);
  }

  end(): void {
    this.timer = setTimeout(() => this.out.end(), timerDelay(this.delay));
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export const slowClose: ToxicKind = {
  type: "slow_close",
  goStruct: "SlowCloseToxic",
  attributes: [{ name: "delay", goType: "int64", default: 0 }],
  start: (a: Attributes, out) => new SlowClosePipe(a.delay, out),
};
