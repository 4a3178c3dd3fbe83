// The queen's admission control: at most `maxInflight` requests go to the hive, at most `maxQueue` wait for a
// slot, each for at most `queueTimeoutMs`. Beyond that the queen sheds load (429) instead of falling over.
// `unbounded-queue` removes the queue bound and the wait timeout.

export type Admitted =
  | { ok: true; release: () => void }
  | { ok: false; reason: "queue full" | "queue timeout" | "cancelled" };

interface Waiter {
  grant: () => void;
  done: boolean;
}

export class Admission {
  inflight = 0;
  private queue: Waiter[] = [];
  private head = 0;

  constructor(
    readonly maxInflight: number,
    readonly maxQueue: number,
    readonly queueTimeoutMs: number,
    readonly unbounded: boolean,
  ) {}

  /** Requests waiting for a slot now. */
  depth = 0;
  /** The most that ever waited at once: past maxQueue only when the bound is not enforced. */
  peak = 0;

  /** Resolves when a slot is free; `signal` aborts the wait (the client went away). */
  acquire(signal: AbortSignal): Promise<Admitted> {
    if (this.inflight < this.maxInflight && this.depth === 0) return Promise.resolve(this.take());
    if (!this.unbounded && this.depth >= this.maxQueue)
      return Promise.resolve({ ok: false, reason: "queue full" });
    return new Promise<Admitted>((resolve) => {
      const waiter: Waiter = { done: false, grant: () => undefined };
      let timer: NodeJS.Timeout | undefined;
      const settle = (a: Admitted) => {
        if (waiter.done) return;
        waiter.done = true;
        this.depth--;
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        resolve(a);
      };
      const onAbort = () => settle({ ok: false, reason: "cancelled" });
      waiter.grant = () => settle(this.take());
      if (!this.unbounded)
        timer = setTimeout(() => settle({ ok: false, reason: "queue timeout" }), this.queueTimeoutMs);
      signal.addEventListener("abort", onAbort);
      this.queue.push(waiter);
      this.depth++;
      if (this.depth > this.peak) this.peak = this.depth;
    });
  }

  private take(): Admitted {
    this.inflight++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inflight--;
        this.next();
      },
    };
  }

  private next(): void {
    while (this.inflight < this.maxInflight && this.head < this.queue.length) {
      const w = this.queue[this.head++];
      if (!w.done) w.grant();
    }
    // Compact now and then so that the array does not grow for ever.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
