import assert from "node:assert/strict";
import { test } from "node:test";
import { httpDate, isoSeconds } from "../../sdk/toxiproxy/utc-text.ts";

// Against Date's own formatting (fine in a test process): epoch edges, leap days, century rules, year ends.
const EDGES = [
  "1970-01-01T00:00:00Z",
  "1970-01-01T23:59:59Z",
  "1999-12-31T23:59:59Z",
  "2000-02-29T12:00:00Z",
  "2000-03-01T00:00:00Z",
  "2024-02-29T23:59:59Z",
  "2026-12-07T06:04:36Z",
  "2100-02-28T00:00:00Z",
  "2100-03-01T00:00:00Z",
  "2400-02-29T00:00:00Z",
  "9999-12-31T23:59:59Z",
].map((s) => Date.parse(s));

function check(ms: number): void {
  assert.equal(httpDate(ms), new Date(ms).toUTCString(), `httpDate(${ms})`);
  assert.equal(isoSeconds(ms), `${new Date(ms).toISOString().slice(0, 19)}Z`, `isoSeconds(${ms})`);
}

test("UTC text matches Date's at the edges of days, months, leap years and centuries", () => {
  for (const ms of EDGES) {
    check(ms);
    check(ms + 999); // the milliseconds are dropped, not rounded
  }
});

test("UTC text matches Date's for 20,000 instants spread over 1970 to 2200", () => {
  const end = Date.parse("2200-01-01T00:00:00Z");
  let seed = 17;
  for (let i = 0; i < 20_000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31; // deterministic, so a failure can be replayed
    check(Math.floor((seed / 2 ** 31) * end));
  }
});

test("with no argument, both read the clock now", () => {
  const before = Date.now();
  const http = httpDate();
  const iso = isoSeconds();
  const after = Date.now();
  assert.ok([httpDate(before), httpDate(after)].includes(http));
  assert.ok([isoSeconds(before), isoSeconds(after)].includes(iso));
});
