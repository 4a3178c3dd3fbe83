// Latency over real loopback sockets, with upstream's cases (toxics/latency_test.go) and widened tolerances.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  addToxic,
  assertNear,
  call,
  connectTo,
  type Rig,
  readBytes,
  rig,
  timedEcho,
  timing,
} from "../helpers.ts";

const PAYLOAD = Buffer.from(`hello world ${"a".repeat(32 * 1024)}\n`);
let r: Rig | undefined;

afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** Sends PAYLOAD, returns [ms until the upstream had it, ms from then until the client had the echo, total]. */
async function legs(up: number, down: number): Promise<[number, number, number]> {
  const echo = await timedEcho(PAYLOAD.length);
  r = await rig(echo.server);
  if (up >= 0)
    await addToxic(r.tp, "p", { type: "latency", stream: "upstream", attributes: { latency: up } });
  if (down >= 0)
    await addToxic(r.tp, "p", { type: "latency", stream: "downstream", attributes: { latency: down } });
  const s = await connectTo(r.port);
  const t0 = performance.now();
  s.write(PAYLOAD);
  const back = await readBytes(s, PAYLOAD.length, 5000);
  const t2 = performance.now();
  s.destroy();
  assert.ok(back.equals(PAYLOAD), "the payload comes back intact");
  return [echo.times[0] - t0, t2 - echo.times[0], t2 - t0];
}

test("upstream latency delays only the client → server leg", async () => {
  await timing(3, async () => {
    await r?.close();
    const [server, client, total] = await legs(100, -1);
    assertNear(server, 100, 20, "server leg");
    assertNear(client, 0, 20, "client leg");
    assertNear(total, 100, 40, "round trip");
  });
});

test("downstream latency delays only the server → client leg", async () => {
  await timing(3, async () => {
    await r?.close();
    const [server, client, total] = await legs(-1, 100);
    assertNear(server, 0, 20, "server leg");
    assertNear(client, 100, 20, "client leg");
    assertNear(total, 100, 40, "round trip");
  });
});

test("latency both ways adds up per round trip", async () => {
  await timing(3, async () => {
    await r?.close();
    const [server, client, total] = await legs(100, 100);
    assertNear(server, 100, 20, "server leg");
    assertNear(client, 100, 20, "client leg");
    assertNear(total, 200, 40, "round trip");
  });
});

test("biased latency (1000 up, 100 down) gives 1100 ms round trips", async () => {
  await timing(3, async () => {
    await r?.close();
    const [server, client, total] = await legs(1000, 100);
    assertNear(server, 1000, 25, "server leg");
    assertNear(client, 100, 25, "client leg");
    assertNear(total, 1100, 50, "round trip");
  });
});

test("zero latency adds nothing measurable", async () => {
  await timing(3, async () => {
    await r?.close();
    const [server, client, total] = await legs(0, 0);
    assertNear(server, 0, 15, "server leg");
    assertNear(client, 0, 15, "client leg");
    assertNear(total, 0, 25, "round trip");
  });
});

test("two 500 ms upstream latency toxics compound to about 1000 ms", async () => {
  await timing(3, async () => {
    await r?.close();
    const echo = await timedEcho(PAYLOAD.length);
    r = await rig(echo.server);
    await addToxic(r.tp, "p", {
      name: "a",
      type: "latency",
      stream: "upstream",
      attributes: { latency: 500 },
    });
    await addToxic(r.tp, "p", {
      name: "b",
      type: "latency",
      stream: "upstream",
      attributes: { latency: 500 },
    });
    const s = await connectTo(r.port);
    const t0 = performance.now();
    s.write(PAYLOAD);
    await readBytes(s, PAYLOAD.length, 5000);
    s.destroy();
    assertNear(echo.times[0] - t0, 1000, 40, "server leg");
  });
});

test("jitter spreads the delay within latency ± jitter", async () => {
  await timing(3, async () => {
    await r?.close();
    const echo = await timedEcho(5);
    r = await rig(echo.server);
    await addToxic(r.tp, "p", {
      type: "latency",
      stream: "upstream",
      attributes: { latency: 100, jitter: 50 },
    });
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const s = await connectTo(r!.port);
        const t0 = performance.now();
        s.write("hello");
        await readBytes(s, 5, 5000);
        seen.push(performance.now() - t0);
        s.destroy();
      }),
    );
    for (const ms of seen)
      assert.ok(ms >= 49 && ms <= 200, `round trip ${ms} within 50..150 (+ 50 ms slack)`);
    assert.ok(Math.max(...seen) - Math.min(...seen) > 10, "jitter varies the delay");
  });
});

test("a latency toxic added to a live connection applies to its next bytes; an update re-times them", async () => {
  r = await rig();
  const s = await connectTo(r.port);
  const rtt = async () => {
    const t0 = performance.now();
    s.write("x");
    await readBytes(s, 1, 5000);
    return performance.now() - t0;
  };
  assert.ok((await rtt()) < 100);
  await addToxic(r.tp, "p", { type: "latency", attributes: { latency: 150 } });
  const added = await rtt();
  assert.ok(added >= 149 && added < 300, `after add: ${added}`);
  await call(r.tp, "POST", "/proxies/p/toxics/latency_downstream", { attributes: { latency: 50 } });
  const updated = await rtt();
  assert.ok(updated >= 49 && updated < 140, `after update: ${updated}`);
  s.destroy();
});

test("removing a latency toxic releases held data at once", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "latency", attributes: { latency: 5000 } });
  const s = await connectTo(r.port);
  s.write("held");
  await new Promise((res) => setTimeout(res, 100));
  const t0 = performance.now();
  const got = readBytes(s, 4, 3000);
  assert.equal((await call(r.tp, "DELETE", "/proxies/p/toxics/latency_downstream")).status, 204);
  assert.equal((await got).toString(), "held");
  assert.ok(performance.now() - t0 < 500, "released promptly");
  s.destroy();
});

test("adding and removing latency while connections open and close does not hang (close race)", async () => {
  r = await rig();
  for (let i = 0; i < 100; i++) {
    await addToxic(r.tp, "p", { type: "latency", attributes: { latency: 10 } });
    const s = await connectTo(r.port);
    s.write("race");
    s.destroy();
    assert.equal((await call(r.tp, "DELETE", "/proxies/p/toxics/latency_downstream")).status, 204);
  }
  assert.equal((await call(r.tp, "GET", "/proxies/p/toxics")).text, "[]");
});

test("latency does not throttle throughput: 32 MiB take about as long with latency 20 as without", async () => {
  r = await rig();
  const size = 32 * 1024 * 1024;
  const transfer = async () => {
    const s = await connectTo(r!.port);
    const t0 = performance.now();
    const got = readBytes(s, size, 20_000);
    s.write(Buffer.alloc(size, 7));
    assert.equal((await got).length, size);
    s.destroy();
    return performance.now() - t0;
  };
  const plain = await transfer();
  await addToxic(r.tp, "p", { type: "latency", attributes: { latency: 20 } });
  const delayed = await transfer();
  assert.ok(
    delayed < plain * 2 + 20 + 200,
    `with latency ${delayed.toFixed(0)} ms, without ${plain.toFixed(0)} ms`,
  );
});
