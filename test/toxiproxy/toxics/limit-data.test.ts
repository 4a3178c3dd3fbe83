import assert from "node:assert/strict";
import type { Socket } from "node:net";
import { afterEach, test } from "node:test";
import {
  addToxic,
  call,
  connectTo,
  type Rig,
  readToEnd,
  rig,
  sleep,
  type TcpServer,
  tcpServer,
} from "../helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** An upstream that records everything each connection sends it, and whether the connection ended. */
async function recorder(): Promise<{
  server: TcpServer;
  received: () => Promise<{ data: Buffer; ended: boolean }>;
}> {
  let current: Promise<{ data: Buffer; ended: boolean }> | undefined;
  const server = await tcpServer((s: Socket) => {
    current = readToEnd(s, 600).then((e) => ({ data: e.data, ended: e.how !== "timeout" }));
  });
  return { server, received: () => current ?? Promise.reject(new Error("no connection")) };
}

const cases: [string, number, number[], number, boolean][] = [
  // name, limit, writes, bytes the upstream gets, connection closed by the toxic
  ["fewer bytes than the limit pass and the connection stays", 100, [50], 50, false],
  ["exactly the limit passes, then the connection closes", 100, [100], 100, true],
  ["a write over the limit is cut at the limit", 100, [150], 100, true],
  ["four writes of 25 make the limit", 100, [25, 25, 25, 25], 100, true],
  ["90 then 20 gives 90 + 10", 100, [90, 20], 100, true],
  ["limit 0 forwards nothing", 0, [10], 0, true],
];

for (const [name, limit, writes, expected, closes] of cases) {
  test(`limit_data: ${name}`, async () => {
    const rec = await recorder();
    r = await rig(rec.server);
    await addToxic(r.tp, "p", { type: "limit_data", stream: "upstream", attributes: { bytes: limit } });
    const s = await connectTo(r.port);
    const ending = readToEnd(s, 700);
    let sent = 0;
    for (const n of writes) {
      s.write(Buffer.alloc(n, 65 + (sent % 26)));
      sent += n;
      await sleep(30);
    }
    const got = await rec.received();
    assert.equal(got.data.length, expected);
    const client = await ending;
    assert.equal(client.how !== "timeout", closes, `client connection ${closes ? "closed" : "open"}`);
    s.destroy();
  });
}

test("limit_data keeps its count when the toxic is updated (restarted): 90, update, then 20 → 10", async () => {
  const rec = await recorder();
  r = await rig(rec.server);
  await addToxic(r.tp, "p", { type: "limit_data", stream: "upstream", attributes: { bytes: 100 } });
  const s = await connectTo(r.port);
  s.write(Buffer.alloc(90, 1));
  await sleep(50);
  const up = await call(r.tp, "POST", "/proxies/p/toxics/limit_data_upstream", {
    attributes: { bytes: 100 },
  });
  assert.equal(up.status, 200);
  s.write(Buffer.alloc(20, 2));
  const got = await rec.received();
  assert.equal(got.data.length, 100);
  assert.equal(got.data.subarray(90).toString("hex"), "02".repeat(10));
  s.destroy();
});

test("limit_data downstream: the client receives exactly 10 bytes then EOF", async () => {
  const upstream = await tcpServer((s) => s.end("0123456789abcdefghij"));
  r = await rig(upstream);
  await addToxic(r.tp, "p", { type: "limit_data", attributes: { bytes: 10 } });
  const s = await connectTo(r.port);
  const end = await readToEnd(s, 2000);
  assert.equal(end.data.toString(), "0123456789");
  assert.equal(end.how, "end");
});
