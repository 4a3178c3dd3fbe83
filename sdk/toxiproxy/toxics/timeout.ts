import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

/**
 * Swallows every chunk ("the server hangs"). With `timeout` > 0 it closes the connection that many ms after it
 * started; with 0 it holds the connection open until the toxic is removed, which then closes it.
 */
class TimeoutPipe implements ToxicPipe {
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    timeout: number,
    private readonly out: PipeOutput,
  ) {
    if (timeout > 0) this.timer = setTimeout(() => out.end(), timerDelay(timeout));
  }

  push(chunk: Chunk): void {
    this.out.discard(chunk.data.length);
  }

  end(): void {
    clearTimeout(this.timer);
    this.out.end();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export const timeout: ToxicKind = {
  type: "timeout",
  goStruct: "TimeoutToxic",
  attributes: [{ name: "timeout", goType: "int64", default: 0 }],
  closesOnRemove: true,
  start: (a: Attributes, out) => new TimeoutPipe(a.timeout, out),
};
