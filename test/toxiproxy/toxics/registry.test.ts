import assert from "node:assert/strict";
import { test } from "node:test";
import { builtinRegistry, startToxiproxy, type ToxicKind } from "../../../sdk/toxiproxy/index.ts";
import { noop } from "../../../sdk/toxiproxy/toxics/noop.ts";
import { call, connectTo, echoServer, proxyTo, readBytes } from "../helpers.ts";

// A toxic written outside the SDK: upper-cases the bytes (ASCII) on its direction.
const upper: ToxicKind = {
  type: "upper",
  goStruct: "UpperToxic",
  attributes: [],
  start: (_a, out) => ({
    push: (c) => out.emit({ data: Buffer.from(c.data.toString("latin1").toUpperCase(), "latin1"), at: c.at }),
    end: () => out.end(),
    stop: () => {},
  }),
};

test("the built-in registry holds upstream's eight types, and refuses a second registration", () => {
  const r = builtinRegistry();
  assert.deepEqual(r.types().sort(), [
    "bandwidth",
    "latency",
    "limit_data",
    "noop",
    "reset_peer",
    "slicer",
    "slow_close",
    "timeout",
  ]);
  assert.throws(() => r.register(noop), /already registered/);
});

test("a toxic kind registered explicitly is served by the API and runs on live links", async () => {
  const upstream = await echoServer();
  const tp = await startToxiproxy({
    host: "127.0.0.1",
    port: 0,
    registry: builtinRegistry().register(upper),
  });
  try {
    const port = await proxyTo(tp, "p", upstream.address);
    const res = await call(tp, "POST", "/proxies/p/toxics", { type: "upper" });
    assert.equal(
      res.text,
      '{"attributes":{},"name":"upper_downstream","type":"upper","stream":"downstream","toxicity":1}',
    );
    const s = await connectTo(port);
    s.write("shout");
    assert.equal((await readBytes(s, 5)).toString(), "SHOUT");
    s.destroy();
  } finally {
    await tp.close();
    await upstream.close();
  }
});
