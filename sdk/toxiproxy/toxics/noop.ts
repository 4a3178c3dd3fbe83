import type { PipeOutput, ToxicKind, ToxicPipe } from "./toxic.ts";

/** A pass-through stage; it exists so that a chain can be tested without changing the bytes. */
export class PassThroughPipe implements ToxicPipe {
  constructor(private readonly out: PipeOutput) {}
  push(chunk: { data: Buffer; at: number }): void {
    this.out.emit(chunk);
  }
  end(): void {
    this.out.end();
  }
  stop(): void {}
}

export const noop: ToxicKind = {
  type: "noop",
  goStruct: "NoopToxic",
  attributes: [],
  start: (_attributes, out) => new PassThroughPipe(out),
};
