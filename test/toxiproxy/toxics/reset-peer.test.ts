import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  addToxic,
  connectTo,
  echoServer,
  type Rig,
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

test("reset_peer with timeout 0: the client's first write gets ECONNRESET", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } });
  const s = await connectTo(r.port);
  const ending = readToEnd(s, 3000);
  s.write("hello");
  const e = await ending;
  assert.equal(e.how, "reset");
  assert.equal(e.data.length, 0, "the data was discarded");
});

for (const stream of ["upstream", "downstream"]) {
  test(`reset_peer ${stream} with timeout 100 resets about 100 ms after data`, async () => {
    await timing(3, async () => {
      await r?.close();
      const upstream = stream === "upstream" ? await echoServer() : await tcpServer((s) => s.write("hello"));
      r = await rig(upstream);
      await addToxic(r.tp, "p", { type: "reset_peer", stream, attributes: { timeout: 100 } });
      const s = await connectTo(r.port);
      const ending = readToEnd(s, 3000);
      if (stream === "upstream") s.write("hello");
      const e = await ending;
      assert.equal(e.how, "reset");
      assert.ok(e.ms >= 95 && e.ms <= 210, `reset after ${e.ms.toFixed(0)} ms`);
    });
  });
}

test("an idle connection is never reset", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "reset_peer", stream: "upstream", attributes: { timeout: 0 } });
  const s = await connectTo(r.port);
  const e = await readToEnd(s, 300);
  assert.equal(e.how, "timeout");
  s.destroy();
});

test("toxicity 0 never touches a connection: normal closes stay FIN, never RST (upstream #603)", async () => {
  const upstream = await tcpServer((s) => s.on("data", () => s.end("bye")));
  r = await rig(upstream);
  await addToxic(r.tp, "p", {
    type: "reset_peer",
    stream: "upstream",
    toxicity: 0,
    attributes: { timeout: 0 },
  });
  const endings = await Promise.all(
    Array.from({ length: 20 }, async () => {
      const s = await connectTo(r!.port);
      const e = readToEnd(s, 3000);
      s.write("hi");
      return e;
    }),
  );
  for (const e of endings) {
    assert.equal(e.how, "end");
    assert.equal(e.data.toString(), "bye");
  }
  await sleep(10);
});
