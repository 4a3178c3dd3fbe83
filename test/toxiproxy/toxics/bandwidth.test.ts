import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { addToxic, call, connectTo, type Rig, readBytes, rig, sleep, tcpServer, timing } from "../helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** An upstream that collects what it receives and reports when `expect` bytes have arrived. */
async function sink(expect: number) {
  let resolveDone: (v: { at: number; data: Buffer }) => void;
  const done = new Promise<{ at: number; data: Buffer }>((res) => {
    resolveDone = res;
  });
  const server = await tcpServer((s) => {
    const parts: Buffer[] = [];
    let have = 0;
    s.on("data", (d: Buffer) => {
      parts.push(d);
      have += d.length;
      if (have >= expect) resolveDone({ at: performance.now(), data: Buffer.concat(parts) });
    });
  });
  return { server, done };
}

test("480,000 bytes at 1000 KB/s take about 480 ms and arrive intact (upstream's TestBandwidthToxic)", async () => {
  await timing(3, async () => {
    await r?.close();
    const size = 480_000;
    const { server, done } = await sink(size);
    r = await rig(server);
    await addToxic(r.tp, "p", { type: "bandwidth", stream: "upstream", attributes: { rate: 1000 } });
    const payload = Buffer.alloc(size);
    for (let i = 0; i < size; i++) payload[i] = (i * 7) & 255;
    const s = await connectTo(r.port);
    const t0 = performance.now();
    s.write(payload);
    const got = await done;
    s.destroy();
    assert.ok(got.data.equals(payload), "bytes intact");
    const ms = got.at - t0;
    assert.ok(ms >= 470 && ms <= 530, `480 ms expected, took ${ms.toFixed(1)} ms`);
  });
});

test("a slow rate trickles: 5,000 bytes at 10 KB/s take about 500 ms, in pieces", async () => {
  await timing(3, async () => {
    await r?.close();
    r = await rig();
    await addToxic(r.tp, "p", { type: "bandwidth", attributes: { rate: 10 } });
    const s = await connectTo(r.port);
    const t0 = performance.now();
    const arrivals: number[] = [];
    s.on("data", () => arrivals.push(performance.now() - t0));
    s.write(Buffer.alloc(5000, 1));
    const got = await readBytes(s, 5000, 3000);
    s.destroy();
    assert.equal(got.length, 5000);
    const ms = performance.now() - t0;
    assert.ok(ms >= 490 && ms <= 580, `500 ms expected, took ${ms.toFixed(1)} ms`);
    assert.ok(arrivals.length >= 4, `arrives in pieces of 1000 bytes (${arrivals.length} reads)`);
  });
});

test("rate 0 means unlimited", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "bandwidth", attributes: { rate: 0 } });
  const s = await connectTo(r.port);
  const t0 = performance.now();
  const got = readBytes(s, 4_000_000, 5000);
  s.write(Buffer.alloc(4_000_000, 2));
  assert.equal((await got).length, 4_000_000);
  assert.ok(performance.now() - t0 < 2000);
  s.destroy();
});

test("removing a bandwidth toxic forwards what it held at once", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "bandwidth", attributes: { rate: 1 } });
  const s = await connectTo(r.port);
  s.write(Buffer.alloc(3000, 3)); // 3 s worth at 1 KB/s
  await sleep(150);
  const got = readBytes(s, 3000, 2000);
  assert.equal((await call(r.tp, "DELETE", "/proxies/p/toxics/bandwidth_downstream")).status, 204);
  assert.equal((await got).length, 3000);
  s.destroy();
});
