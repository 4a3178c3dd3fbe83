// The toxic contract. A toxic kind describes its attributes and starts a pipe; a pipe is one toxic on one link
// (one direction of one connection). Pipes are driven synchronously by the link, so that removing or updating a
// toxic can hand every held byte onward at once: nothing is dropped and nothing waits on a timer.
//
//   source ─▶ [pipe] ─▶ [pipe] ─▶ … ─▶ destination socket
//
// A pipe emits what it lets through with `out.emit`, and ends the link with `out.end` (EOF travels behind the
// data already emitted, as upstream's nil chunk does).

/** One read from a socket, stamped with the time (performance.now(), ms) at which it was due to leave. */
export interface Chunk {
  data: Buffer;
  at: number;
}

/** Where a pipe sends its output. */
export interface PipeOutput {
  emit(chunk: Chunk): void;
  /** Ends the link after everything emitted so far: the connection closes. */
  end(): void;
  /** Bytes the pipe swallowed for good (accounting for back-pressure). */
  discard(bytes: number): void;
  /** Closes both sockets of the connection with a TCP RST. */
  reset(): void;
}

export interface ToxicPipe {
  push(chunk: Chunk): void;
  /** The source reached EOF; every earlier chunk has been pushed. Call `out.end()` when done with them. */
  end(): void;
  /** Removed or restarted: emit everything held now and cancel timers. The link forwards the EOF itself. */
  stop(): void;
}

export type Attributes = Record<string, number>;

/** One attribute: its JSON key, its Go type (for upstream's error wording) and its default. */
export interface AttributeSpec {
  name: string;
  goType: "int64" | "int";
  default: number;
}

export interface ToxicKind {
  /** The `type` string of the API, e.g. "slow_close". */
  readonly type: string;
  /** Upstream's Go struct name, used in type-error messages ("LatencyToxic"). */
  readonly goStruct: string;
  /** In the JSON key order upstream prints. */
  readonly attributes: readonly AttributeSpec[];
  /** Problems with a full set of attributes (empty when fine). Upstream checks nothing; we refuse crash cases. */
  check?(attributes: Attributes): string[];
  /** Removing the toxic closes the connections it was active on (upstream's timeout Cleanup). */
  readonly closesOnRemove?: boolean;
  /** Per-link state that survives updates of the toxic (limit_data's byte count). */
  newState?(): object;
  start(attributes: Attributes, out: PipeOutput, state: object | undefined): ToxicPipe;
}

/** Node's timers take at most 2^31-1 ms (about 24.8 days; more becomes 1 ms): int64 attributes are capped to it. */
export const timerDelay = (ms: number): number => Math.min(Math.max(0, ms), 2 ** 31 - 1);
