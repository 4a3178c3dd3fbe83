import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { addToxic, connectTo, type Rig, readToEnd, rig, tcpServer, timing } from "../helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

async function byeThenClose(delay?: number) {
  await r?.close();
  r = await rig(await tcpServer((s) => s.end("bye")));
  if (delay !== undefined) await addToxic(r.tp, "p", { type: "slow_close", attributes: { delay } });
  const s = await connectTo(r.port);
  let byeAt = -1;
  const t0 = performance.now();
  s.once("data", () => {
    byeAt = performance.now() - t0;
  });
  const e = await readToEnd(s, 3000);
  return { byeAt, e };
}

test("slow_close 300: the data arrives at once, the close about 300 ms later", async () => {
  await timing(3, async () => {
    const { byeAt, e } = await byeThenClose(300);
    assert.equal(e.data.toString(), "bye");
    assert.ok(byeAt < 50, `bye after ${byeAt.toFixed(0)} ms`);
    assert.equal(e.how, "end");
    assert.ok(e.ms >= 295 && e.ms <= 380, `EOF after ${e.ms.toFixed(0)} ms`);
  });
});

test("without slow_close the close follows the data", async () => {
  await timing(3, async () => {
    const { e } = await byeThenClose();
    assert.equal(e.data.toString(), "bye");
    assert.ok(e.ms < 100, `EOF after ${e.ms.toFixed(0)} ms`);
  });
});
