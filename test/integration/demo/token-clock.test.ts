// The worker's token clock, on mocked time: paced ticks on multiples of the period (the same instants in every
// worker's clock, so the hive reads all workers' tokens at once), never a first token sooner than one period
// after joining, no double tick, and no timer left once the last stream leaves.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";
import { TokenClock } from "../../../demo/rbee/worker/token-clock.ts";

beforeEach(() => mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_003 }));
afterEach(() => mock.timers.reset());

/** Advances mocked time a millisecond at a time (a single big tick would show timers only its end time). */
function advance(ms: number): void {
  for (let i = 0; i < ms; i++) mock.timers.tick(1);
}

/** Ticks of one stream, as mocked wall-clock instants. */
function stream(clock: TokenClock): { at: number[]; leave: () => void } {
  const at: number[] = [];
  const leave = clock.add(() => at.push(Date.now()));
  return { at, leave };
}

test("ticks fall on multiples of the period, the first a full period after joining", () => {
  const a = new TokenClock(20);
  const b = new TokenClock(20);
  const s = stream(a);
  advance(9); // 1_000_012: b's stream joins later, between the same ticks
  const t = stream(b);
  advance(200);
  // Joined at ...003: the tick at ...020 is a partial period, skipped; tokens from ...040 on, every 20 ms.
  assert.deepEqual(
    s.at.slice(0, 3).map((x) => x - 1_000_000),
    [40, 60, 80],
  );
  assert.deepEqual(t.at.slice(0, 3), s.at.slice(0, 3), "two workers' clocks tick at the same instants");
  s.leave();
  t.leave();
});

test("a late timer does not tick twice: the next tick is the next multiple after now", () => {
  const clock = new TokenClock(20);
  const s = stream(clock);
  advance(17); // ...020: the skipped partial tick
  advance(20); // ...040
  assert.equal(s.at.length, 1);
  mock.timers.tick(55); // one jump: the timer due at ...060 fires late, at ...095
  advance(5); // ...100
  assert.deepEqual(
    s.at.map((x) => x - 1_000_000),
    [40, 95, 100],
  );
  s.leave();
});

test("the timer stops with the last stream and starts again with the next", () => {
  const clock = new TokenClock(10);
  const s = stream(clock);
  advance(30);
  s.leave();
  const n = s.at.length;
  advance(100);
  assert.equal(s.at.length, n, "no tick after leaving");
  const t = stream(clock);
  advance(25);
  assert.ok(t.at.length >= 1);
  t.leave();
});
