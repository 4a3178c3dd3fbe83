import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { sliceLengths } from "../../../sdk/toxiproxy/toxics/slicer.ts";
import { addToxic, call, connectTo, type Rig, readBytes, rig, tcpServer, within } from "../helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

test("sliceLengths: average 1, no variation, 24 bytes → exactly 24 one-byte slices", () => {
  assert.deepEqual(sliceLengths(24, 1, 0), Array(24).fill(1));
});

test("sliceLengths: slices cover the segment and stay within (avg+var)/2 .. avg+var", () => {
  for (let trial = 0; trial < 50; trial++) {
    const lengths = sliceLengths(32 * 1024, 1024, 512);
    assert.equal(
      lengths.reduce((a, b) => a + b, 0),
      32 * 1024,
    );
    for (const l of lengths) assert.ok(l >= 1 && l <= 1536, `slice of ${l}`);
  }
});

test("sliceLengths never loops or overflows, whatever the attributes", () => {
  for (const [avg, v] of [
    [1, 1],
    [5, 5],
    [1, 0],
    [3, 2],
  ]) {
    for (const random of [() => 0, () => 0.999999, Math.random]) {
      const lengths = sliceLengths(65536, avg, v, random);
      assert.equal(
        lengths.reduce((a, b) => a + b, 0),
        65536,
      );
    }
  }
});

test("480 KB with average 1024 ± 512 arrive as many slices and reassemble exactly", async () => {
  const size = 480 * 1024;
  const reads: number[] = [];
  let data = Buffer.alloc(0);
  let resolveDone: () => void;
  const done = new Promise<void>((res) => {
    resolveDone = res;
  });
  const upstream = await tcpServer((s) => {
    s.on("data", (d: Buffer) => {
      reads.push(d.length);
      data = Buffer.concat([data, d]);
      if (data.length >= size) resolveDone();
    });
  });
  r = await rig(upstream);
  await addToxic(r.tp, "p", {
    type: "slicer",
    stream: "upstream",
    attributes: { average_size: 1024, size_variation: 512, delay: 10 },
  });
  const payload = Buffer.alloc(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31) & 255;
  const s = await connectTo(r.port);
  s.write(payload);
  await within(done, 10_000, "480 KB through the slicer");
  s.destroy();
  assert.ok(data.equals(payload), "exact reassembly");
  // Upstream counts 240..720 slices at the stub; over a socket the kernel may merge a few reads.
  assert.ok(reads.length >= 120 && reads.length <= 720, `${reads.length} reads`);
});

test("24 bytes at average 1 with a 5 ms delay arrive as 24 separate one-byte reads", async () => {
  r = await rig();
  await addToxic(r.tp, "p", {
    type: "slicer",
    attributes: { average_size: 1, size_variation: 0, delay: 5000 },
  });
  const s = await connectTo(r.port);
  const reads: number[] = [];
  s.on("data", (d: Buffer) => reads.push(d.length));
  s.write("abcdefghijklmnopqrstuvwx");
  await readBytes(s, 24, 5000).catch(() => undefined);
  s.destroy();
  // A heavily loaded machine can merge two reads; upstream's own test counts at the stub, not the socket.
  assert.ok(reads.length >= 20 && reads.length <= 24, `${reads.length} reads`);
});

test("slicer attributes that crash upstream get a 400 and leave no toxic (deviation)", async () => {
  r = await rig();
  for (const attributes of [
    {},
    { average_size: 0, size_variation: 0 },
    { average_size: 0, size_variation: 5 },
    { average_size: -1, size_variation: 0 },
    { average_size: 5, size_variation: 10 },
    { average_size: 5, size_variation: -1 },
  ]) {
    const res = await call(r.tp, "POST", "/proxies/p/toxics", { type: "slicer", attributes });
    assert.equal(res.status, 400, JSON.stringify(attributes));
    assert.match(res.json.error, /^invalid attributes for toxic type slicer: /);
  }
  // One error lists every problem.
  const both = await call(r.tp, "POST", "/proxies/p/toxics", {
    type: "slicer",
    attributes: { average_size: 0, size_variation: 3 },
  });
  assert.match(both.json.error, /average_size must be greater than 0.*size_variation \(3\) must not exceed/);
  assert.equal((await call(r.tp, "GET", "/proxies/p/toxics")).text, "[]");
  // An update to a crash case is refused too, and the toxic keeps its values.
  await addToxic(r.tp, "p", { type: "slicer", attributes: { average_size: 10, size_variation: 2 } });
  const bad = await call(r.tp, "POST", "/proxies/p/toxics/slicer_downstream", {
    attributes: { size_variation: 11 },
  });
  assert.equal(bad.status, 400);
  const kept = await call(r.tp, "GET", "/proxies/p/toxics/slicer_downstream");
  assert.deepEqual(kept.json.attributes, { average_size: 10, size_variation: 2, delay: 0 });
});
