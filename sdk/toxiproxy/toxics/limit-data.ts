import type { Attributes, Chunk, PipeOutput, ToxicKind, ToxicPipe } from "./toxic.ts";

interface LimitState {
  transmitted: number;
}

/** Forwards at most `bytes` bytes on the link, then closes the connection. The count survives updates. */
class LimitDataPipe implements ToxicPipe {
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly state: LimitState,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    if (this.closed) {
      this.out.discard(chunk.data.length);
      return;
    }
    const remaining = Math.max(0, this.limit - this.state.transmitted);
    let data = chunk.data;
    if (data.length > remaining) {
      this.out.discard(data.length - remaining);
      data = data.subarray(0, remaining);
    }
    if (data.length > 0) {
      this.state.transmitted += data.length;
      this.out.emit({ data, at: chunk.at });
    }
    if (this.limit - this.state.transmitted <= 0) {
      this.closed = true;
      this.out.end();
    }
  }

  end(): void {
    if (!this.closed) this.out.end();
  }

  stop(): void {}
}

export const limitData: ToxicKind = {
  type: "limit_data",
  goStruct: "LimitDataToxic",
  attributes: [{ name: "bytes", goType: "int64", default: 0 }],
  newState: (): LimitState => ({ transmitted: 0 }),
  start: (a: Attributes, out, state) => new LimitDataPipe(a.bytes, state as LimitState, out),
};
