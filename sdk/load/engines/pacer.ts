// The one paced generator: fires each due start of a schedule (ms from t0) on time, waking a little early and
// firing everything due so that the send lag stays near the timer's resolution without spinning the CPU. The
// open model's engine and the scenarios' background traffic both pace their requests with it.

// setTimeout cannot wake sooner than 1 ms; waking up this much early and firing everything due keeps the
// send lag near the timer's resolution without spinning the CPU.
const EARLY_MS = 0.3;

/**
 * Calls `fire(ms)` for every start of `due` (ms from `t0`, ascending) when it comes due, until the schedule
 * ends or `signal` aborts; resolves then.
 */
export function pace(
  due: Iterator<number>,
  fire: (scheduledMs: number) => void,
  o: { t0: number; signal: AbortSignal },
): Promise<void> {
  return new Promise<void>((resolve) => {
    let next = due.next();
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      if (timer) clearTimeout(timer);
      o.signal.removeEventListener("abort", stop);
      resolve();
    };
    const pump = () => {
      timer = undefined;
      const now = performance.now() - o.t0;
      while (!next.done && next.value <= now + EARLY_MS) {
        fire(next.value);
        next = due.next();
      }
      if (next.done || o.signal.aborted) return stop();
      timer = setTimeout(pump, Math.max(0, next.value - (performance.now() - o.t0) - EARLY_MS));
    };
    if (o.signal.aborted) return resolve();
    o.signal.addEventListener("abort", stop, { once: true });
    pump();
  });
}

/** An endless constant rate: a start every 1000/rate ms from 0. */
export function* everyInterval(rate: number): Generator<number> {
  const interval = 1000 / rate;
  for (let n = 0; ; n++) yield n * interval;
}
