import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { afterEach, test } from "node:test";
import {
  addToxic,
  call,
  connectTo,
  type Rig,
  readBytes,
  readToEnd,
  rig,
  sleep,
  tcpServer,
  timing,
} from "../helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

test("timeout 200 swallows data and closes the connection after about 200 ms", async () => {
  // Up to three attempts, as the other timing checks: on a busy machine the close once came 435 ms late.
  await timing(3, async () => {
    await r?.close();
    r = await rig();
    await addToxic(r.tp, "p", { type: "timeout", attributes: { timeout: 200 } });
    const s = await connectTo(r.port);
    const ending = readToEnd(s, 3000);
    s.write("hello");
    const e = await ending;
    assert.equal(e.how, "end");
    assert.equal(e.data.length, 0);
    assert.ok(e.ms >= 190 && e.ms <= 320, `closed after ${e.ms.toFixed(0)} ms`);
  });
});

test("timeout 0 holds the connection open; removing the toxic closes it at both ends within 1 s", async () => {
  let serverSide: Socket | undefined;
  const upstream = await tcpServer((s) => {
    serverSide = s;
  });
  r = await rig(upstream);
  await addToxic(r.tp, "p", { type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
  const s = await connectTo(r.port);
  s.write("swallowed");
  const held = await readToEnd(s, 500);
  assert.equal(held.how, "timeout", "still open after 500 ms");
  await sleep(20);
  assert.ok(serverSide, "the upstream was dialled");
  const serverEnding = readToEnd(serverSide, 1500);
  const clientEnding = readToEnd(s, 1500);
  assert.equal((await call(r.tp, "DELETE", "/proxies/p/toxics/timeout_upstream")).status, 204);
  const [client, server] = await Promise.all([clientEnding, serverEnding]);
  assert.equal(client.how, "end");
  assert.ok(client.ms < 1000);
  assert.equal(server.how, "end");
  assert.equal(server.data.length, 0, "swallowed data is gone");
});

test("removing a latency toxic ahead of a timeout 0 toxic does not hang", async () => {
  r = await rig();
  await addToxic(r.tp, "p", {
    name: "lat",
    type: "latency",
    stream: "upstream",
    attributes: { latency: 10 },
  });
  await addToxic(r.tp, "p", { type: "timeout", stream: "upstream", attributes: { timeout: 0 } });
  const s = await connectTo(r.port);
  for (let i = 0; i < 5; i++) s.write("hello");
  const t0 = performance.now();
  assert.equal((await call(r.tp, "DELETE", "/proxies/p/toxics/lat")).status, 204);
  assert.ok(performance.now() - t0 < 1000);
  s.destroy();
});

test("toxicity is re-rolled on update: toxicity 0 passes data, then toxicity 1 with timeout 100 closes", async () => {
  await timing(3, async () => {
    await r?.close();
    r = await rig();
    await addToxic(r.tp, "p", { type: "timeout", toxicity: 0, attributes: { timeout: 0 } });
    const s = await connectTo(r.port);
    s.write("hi");
    assert.equal((await readBytes(s, 2, 2000)).toString(), "hi");
    const up = await call(r.tp, "POST", "/proxies/p/toxics/timeout_downstream", {
      toxicity: 1,
      attributes: { timeout: 100 },
    });
    assert.equal(up.status, 200);
    const e = await readToEnd(s, 2000);
    assert.equal(e.how, "end");
    assert.ok(e.ms <= 250, `EOF after ${e.ms.toFixed(0)} ms`);
  });
});
