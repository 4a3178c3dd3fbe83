import {
  type Attributes,
  type Chunk,
  type PipeOutput,
  type ToxicKind,
  type ToxicPipe,
  timerDelay,
} from "./toxic.ts";

/**
 * Waits for the first chunk (or EOF) in its direction, discards it, and `timeout` ms later closes both sockets
 * with a TCP RST. An idle connection is never reset. Deviation from upstream: always an RST, also when the toxic
 * was added to a live connection (upstream then sends a FIN), and never on a connection its roll spared (#603).
 */
class ResetPeerPipe implements ToxicPipe {
  private timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(
    private readonly timeout: number,
    private readonly out: PipeOutput,
  ) {}

  push(chunk: Chunk): void {
    this.out.discard(chunk.data.length);
    this.arm();
  }

  end(): void {
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.fired) return;
    this.fired = true;
    this.timer = setTimeout(() => this.out.reset(), timerDelay(this.timeout));
  }
}

export const resetPeer: ToxicKind = {
  type: "reset_peer",
  goStruct: "ResetToxic",
  attributes: [{ name: "timeout", goType: "int64", default: 0 }],
  start: (a: Attributes, out) => new ResetPeerPipe(a.timeout, out),
};
