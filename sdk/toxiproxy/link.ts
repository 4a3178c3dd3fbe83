// One direction of one proxied connection: source socket ─▶ stage ─▶ stage ─▶ … ─▶ destination socket.
// With no stage the bytes go straight to the destination (the hot path: no timers, no promises, no clocks);
// stages are spliced in and out of live links when toxics are added, updated or removed.
// A link registers no listener of its own: its connection feeds it (read, sourceEnded, drained) from listeners
// shared by every socket, so that an idle connection costs no closures (see connection.ts).
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { ToxicDefinition } from "./toxic-definition.ts";
import type { Chunk, PipeOutput, ToxicPipe } from "./toxics/toxic.ts";

// Bytes a link may hold inside its stages before it stops reading its source (upstream: 1024 × 32 KiB).
const HIGH_WATER = 32 * 1024 * 1024;
const LOW_WATER = HIGH_WATER / 2;

export interface LinkHooks {
  /** EOF left the end of the chain: close the destination and end the other direction. */
  finished(link: Link): void;
  /** A toxic asked for a TCP reset of the whole connection. */
  reset(): void;
}

/**
 * A toxic rolls for each link when its stage starts (a new connection, or an update of that toxic): toxicity 0
 * (or less) never applies, 1 always does. Deviation from upstream: a neighbour being added or removed does not
 * re-roll, and a connection the roll spared is never touched by the toxic (upstream #603, see README).
 */
function rolls(toxicity: number): boolean {
  return toxicity > 0 && Math.random() < toxicity;
}

class Stage {
  next: Stage | undefined;
  previous: Stage | undefined;
  pipe: ToxicPipe | undefined;
  definition!: ToxicDefinition;
  inputEnded = false;
  outputEnded = false;
  dead = false;
  readonly out: PipeOutput;

  constructor(
    private readonly link: Link,
    definition: ToxicDefinition,
    private readonly state: object | undefined,
  ) {
    this.out = {
      emit: (chunk) => this.emit(chunk),
      end: () => this.endOutput(),
      discard: (bytes) => this.link.discard(bytes),
      reset: () => {
        if (!this.dead) this.link.hooks.reset();
      },
    };
    this.start(definition);
  }

  start(definition: ToxicDefinition): void {
    this.definition = definition;
    this.pipe = rolls(definition.toxicity)
      ? definition.kind.start(definition.attributes, this.out, this.state)
      : undefined;
  }

  push(chunk: Chunk): void {
    if (this.outputEnded || this.dead) this.link.discard(chunk.data.length);
    else if (this.pipe) this.pipe.push(chunk);
    else this.emit(chunk);
  }

  end(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    if (this.pipe) this.pipe.end();
    else this.endOutput();
  }

  emit(chunk: Chunk): void {
    if (this.outputEnded || this.dead) this.link.discard(chunk.data.length);
    else if (this.next) this.next.push(chunk);
    else this.link.deliver(chunk.data);
  }

  endOutput(): void {
    if (this.outputEnded || this.dead) return;
    this.outputEnded = true;
    if (this.next) this.next.end();
    else this.link.finish();
  }
}

export class Link {
  /** The first and last stage; a chain through `next` (a link has no stage until a toxic applies to it). */
  private head: Stage | undefined;
  private tail: Stage | undefined;
  private inflight = 0;
  private waitingDrain = false;
  private paused = false;
  private inputEnded = false;
  private finished = false;
  /** Bytes read from the source and handed to the destination socket (upstream's metrics count both). */
  received = 0;
  sent = 0;

  constructor(
    readonly source: Socket,
    readonly dest: Socket,
    readonly hooks: LinkHooks,
    toxics: readonly ToxicDefinition[],
  ) {
    for (const t of toxics) this.addToxic(t);
  }

  addToxic(definition: ToxicDefinition): void {
    if (this.finished) return;
    // The state lives as long as the stage: an update restarts the stage with it, a removal drops both.
    const stage = new Stage(this, definition, definition.kind.newState?.());
    stage.previous = this.tail;
    if (this.tail) this.tail.next = stage;
    else this.head = stage;
    this.tail = stage;
  }

  private stage(name: string): Stage | undefined {
    for (let s = this.head; s; s = s.next) if (s.definition.name === name) return s;
    return undefined;
  }

  /** Held data is flushed, then the new settings apply to what follows (deviation: upstream re-times it). */
  updateToxic(definition: ToxicDefinition): void {
    const stage = this.stage(definition.name);
    if (stage === undefined || stage.dead) return;
    stage.pipe?.stop();
    stage.start(definition);
    if (stage.inputEnded && !stage.outputEnded) {
      if (stage.pipe) stage.pipe.end();
      else stage.endOutput();
    }
  }

  /**
   * Synchronous, so the API answers at once even under heavy traffic (deviation: upstream #412, #558). A
   * closes-on-remove toxic (timeout) closes the connection only where it was active (deviation: upstream #603).
   */
  removeToxic(name: string): void {
    const stage = this.stage(name);
    if (stage === undefined) return;
    stage.pipe?.stop(); // held data goes on, not to the floor
    if ((stage.pipe && stage.definition.kind.closesOnRemove) || stage.inputEnded) stage.endOutput();
    stage.dead = true;
    const { previous, next } = stage;
    if (previous) previous.next = next;
    else this.head = next;
    if (next) next.previous = previous;
    else this.tail = previous;
  }

  /** Stops every stage's timers; whatever they held is dropped (the connection is going away). */
  dispose(): void {
    this.finished = true;
    for (let stage = this.head; stage; stage = stage.next) {
      stage.dead = true;
      stage.pipe?.stop();
    }
    this.head = this.tail = undefined;
  }

  /** The source reached EOF or closed (also called when the other direction ended). */
  sourceEnded(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    const head = this.head;
    if (head) head.end();
    else this.finish();
  }

  deliver(data: Buffer): void {
    this.inflight -= data.length;
    this.write(data);
    this.updateFlow();
  }

  discard(bytes: number): void {
    this.inflight -= bytes;
    this.updateFlow();
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.hooks.finished(this);
  }

  /** A read from the source socket. */
  read(data: Buffer): void {
    if (this.inputEnded) return;
    this.received += data.length;
    const head = this.head;
    if (head === undefined) {
      this.write(data);
      return;
    }
    this.inflight += data.length;
    head.push({ data, at: performance.now() });
    if (this.inflight > HIGH_WATER) this.updateFlow();
  }

  private write(data: Buffer): void {
    const dest = this.dest;
    if (dest.destroyed || dest.writableEnded) return;
    this.sent += data.length;
    if (!dest.write(data) && !this.waitingDrain) {
      this.waitingDrain = true;
      this.updateFlow();
    }
  }

  /** The destination socket drained. */
  drained(): void {
    this.waitingDrain = false;
    this.updateFlow();
  }

  private updateFlow(): void {
    const pause =
      this.waitingDrain || this.inflight > HIGH_WATER || (this.paused && this.inflight > LOW_WATER);
    if (pause === this.paused) return;
    this.paused = pause;
    if (pause) this.source.pause();
    else this.source.resume();
  }
}
