// One timer for all of a worker's streams: every tick writes the next token of each stream, together. Under
// load this is what keeps the demo cheap: one timer callback instead of one per stream, and the hive (then
// the queen) gets a stream's tokens in bursts it reads in one event-loop turn instead of one wakeup each.
// The ticks fall on multiples of the period in wall-clock time, the same instants in every worker, so the hive
// reads all its workers' tokens in one wakeup. A stream joins between ticks, so its first token comes one to
// two token delays after the request.
export class TokenClock {
  private readonly streams = new Set<Tick>();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;

  constructor(private readonly periodMs: number) {}

  /** Calls `tick` once per period from the next full period on, until the returned function is called. */
  add(tick: () => void): () => void {
    const entry: Tick = { tick, joined: true };
    this.streams.add(entry);
    if (!this.timer) this.schedule();
    return () => {
      this.streams.delete(entry);
      if (this.streams.size === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** The next tick: the multiple of the period after the one just served, or after now when late or idle. */
  private schedule(): void {
    const period = Math.max(1, this.periodMs);
    const now = Date.now();
    this.next = Math.max(this.next + period, Math.ceil((now + 1) / period) * period);
    this.timer = setTimeout(() => this.beat(), this.next - now);
  }

  private beat(): void {
    this.schedule();
    for (const s of this.streams) {
      // The first beat after joining is a partial period: skipped, so no token comes sooner than one delay.
      if (s.joined) s.joined = false;
      else s.tick();
    }
  }
}

interface Tick {
  tick: () => void;
  joined: boolean;
}
