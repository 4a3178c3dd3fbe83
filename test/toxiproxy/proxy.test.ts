// The data path of proxies over real loopback sockets: integrity, teardown, live toxic changes, toxicity.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import {
  addToxic,
  call,
  connectTo,
  echoServer,
  type Rig,
  readBytes,
  readToEnd,
  rig,
  sleep,
  tcpServer,
  toxiproxy,
  within,
} from "./helpers.ts";

let r: Rig | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

async function echoes(port: number, message: Buffer | string): Promise<void> {
  const s = await connectTo(port);
  const m = Buffer.from(message);
  s.write(m);
  assert.ok((await readBytes(s, m.length, 5000)).equals(m));
  s.destroy();
}

test("messages pass intact: small, 64 KiB and in two parts", async () => {
  r = await rig();
  await echoes(r.port, "hello world");
  await echoes(
    r.port,
    Buffer.from(Array.from({ length: 32 * 1024 }, (_, i) => (i % 256).toString(16)).join("")),
  );
  const s = await connectTo(r.port);
  s.write("hello ");
  s.write("world");
  assert.equal((await readBytes(s, 11)).toString(), "hello world");
  s.destroy();
});

test("an upstream that is down: the connect succeeds, then EOF within 500 ms", async () => {
  const gone = await echoServer();
  await gone.close();
  r = await rig(gone);
  const s = await connectTo(r.port);
  const e = await readToEnd(s, 2000);
  assert.equal(e.how, "end");
  assert.ok(e.ms < 500);
});

test("no half-close: a client that sends and then FINs never gets the reply", async () => {
  const upstream = await tcpServer((s) => s.on("data", (d) => setTimeout(() => s.write(d), 50)));
  r = await rig(upstream);
  const s = await connectTo(r.port);
  s.end("request");
  const e = await readToEnd(s, 2000);
  assert.equal(e.how, "end");
  assert.equal(e.data.length, 0);
});

test("noop toxics and resets do not disturb an open connection", async () => {
  r = await rig();
  const s = await connectTo(r.port);
  const roundTrip = async () => {
    s.write("ping");
    assert.equal((await readBytes(s, 4, 3000)).toString(), "ping");
  };
  await roundTrip();
  await addToxic(r.tp, "p", { type: "noop", stream: "upstream" });
  await roundTrip();
  await addToxic(r.tp, "p", { type: "noop", stream: "downstream" });
  await roundTrip();
  assert.equal((await call(r.tp, "POST", "/reset")).status, 204);
  await roundTrip();
  assert.equal((await call(r.tp, "POST", "/reset")).status, 204);
  await roundTrip();
  s.destroy();
});

test("100 echo round trips stay correct while toxics are added and removed in a loop", async () => {
  r = await rig();
  const s = await connectTo(r.port);
  let churn = true;
  const tp = r.tp;
  const churner = (async () => {
    while (churn) {
      await addToxic(tp, "p", { name: "n", type: "noop", stream: "upstream" });
      await addToxic(tp, "p", {
        name: "l",
        type: "latency",
        stream: "downstream",
        attributes: { latency: 1 },
      });
      await call(tp, "DELETE", "/proxies/p/toxics/n");
      await call(tp, "DELETE", "/proxies/p/toxics/l");
    }
  })();
  for (let i = 0; i < 100; i++) {
    const m = `message ${i}`;
    s.write(m);
    assert.equal((await readBytes(s, m.length, 5000)).toString(), m);
  }
  churn = false;
  await churner;
  s.destroy();
});

test("65,535 sequenced 2-byte messages arrive in order while a latency toxic is added and removed", async () => {
  r = await rig();
  const count = 65_535;
  const s = await connectTo(r.port);
  let received = Buffer.alloc(0);
  let done: () => void;
  const all = new Promise<void>((res) => {
    done = res;
  });
  s.on("data", (d: Buffer) => {
    received = Buffer.concat([received, d]);
    if (received.length >= count * 2) done();
  });
  let churn = true;
  const tp = r.tp;
  let cycles = 0;
  const churner = (async () => {
    while (churn) {
      await addToxic(tp, "p", { type: "latency", stream: "upstream", attributes: { latency: 1000 } });
      await sleep(5);
      await call(tp, "DELETE", "/proxies/p/toxics/latency_upstream");
      cycles++;
    }
  })();
  for (let i = 0; i < count; i += 1) {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(i);
    if (!s.write(b)) await new Promise((res) => s.once("drain", res));
    if (i % 4096 === 0) await sleep(2); // let the toxic come and go while data flows
  }
  await within(all, 20_000, "65,535 messages");
  churn = false;
  await churner;
  s.destroy();
  assert.equal(received.length, count * 2, "no byte lost or added");
  for (let i = 0; i < count; i++) assert.equal(received.readUInt16BE(i * 2), i, `message ${i} in order`);
  assert.ok(cycles >= 2, `toxic added and removed ${cycles} times during the stream`);
});

test("toxicity 0.3 applies to a binomial share of 400 connections", async () => {
  r = await rig();
  // limit_data 0 makes the roll visible without timing: a connection it applies to gets EOF instead of the echo.
  await addToxic(r.tp, "p", { type: "limit_data", toxicity: 0.3, attributes: { bytes: 0 } });
  let hit = 0;
  for (let batch = 0; batch < 8; batch++) {
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const s = await connectTo(r!.port);
        const outcome = within(
          new Promise<string>((resolve) => {
            s.once("data", () => resolve("echo"));
            s.once("end", () => resolve("closed"));
            s.once("close", () => resolve("closed"));
          }),
          5000,
          "an echo or a close",
        );
        s.write("x");
        const o = await outcome;
        s.destroy();
        return o;
      }),
    );
    hit += outcomes.filter((o) => o === "closed").length;
  }
  // Mean 120, standard deviation 9.2: ±4.5 σ.
  assert.ok(hit >= 79 && hit <= 161, `${hit} of 400 connections got the toxic`);
});

test("enabled:false drops connections and refuses new ones; toxics survive and apply again", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "latency", attributes: { latency: 100 } });
  const s = await connectTo(r.port);
  const ending = readToEnd(s, 2000);
  assert.equal((await call(r.tp, "POST", "/proxies/p", { enabled: false })).json.enabled, false);
  assert.equal((await ending).how, "end");
  await assert.rejects(connectTo(r.port), /ECONNREFUSED/);
  const on = await call(r.tp, "POST", "/proxies/p", { enabled: true });
  assert.equal(on.json.listen, `127.0.0.1:${r.port}`, "re-binds the same port");
  assert.equal(on.json.toxics.length, 1);
  const t0 = performance.now();
  await echoes(r.port, "again");
  assert.ok(performance.now() - t0 >= 99, "the latency toxic applies after re-enable");
});

test("updating listen to the same port by host name keeps live connections", async () => {
  r = await rig();
  const s = await connectTo(r.port);
  const res = await call(r.tp, "POST", "/proxies/p", { listen: `localhost:${r.port}` });
  assert.equal(res.json.listen, `127.0.0.1:${r.port}`);
  s.write("still");
  assert.equal((await readBytes(s, 5, 2000)).toString(), "still");
  const ending = readToEnd(s, 2000);
  const moved = await call(r.tp, "POST", "/proxies/p", { listen: "localhost:0" });
  assert.notEqual(moved.json.listen, `127.0.0.1:${r.port}`, "port 0 always differs: a new port");
  assert.equal((await ending).how, "end", "a restart drops the connection");
});

test("deleting a proxy closes its connections and frees its port", async () => {
  r = await rig();
  const s = await connectTo(r.port);
  const ending = readToEnd(s, 2000);
  assert.equal((await call(r.tp, "DELETE", "/proxies/p")).status, 204);
  assert.equal((await ending).how, "end");
  await assert.rejects(connectTo(r.port), /ECONNREFUSED/);
});

test("removing a toxic under heavy traffic answers promptly (upstream #412, #558)", async () => {
  r = await rig();
  await addToxic(r.tp, "p", { type: "latency", stream: "upstream", attributes: { latency: 200 } });
  await addToxic(r.tp, "p", { type: "bandwidth", stream: "downstream", attributes: { rate: 5000 } });
  const sockets = await Promise.all(Array.from({ length: 8 }, () => connectTo(r!.port)));
  let pumping = true;
  const chunk = Buffer.alloc(64 * 1024, 9);
  for (const s of sockets) {
    s.on("data", () => {});
    const pump = () => {
      while (pumping && s.write(chunk));
    };
    s.on("drain", pump);
    pump();
  }
  await sleep(300);
  for (const name of ["latency_upstream", "bandwidth_downstream"]) {
    const t0 = performance.now();
    const res = await call(r.tp, "DELETE", `/proxies/p/toxics/${name}`);
    assert.equal(res.status, 204);
    assert.ok(performance.now() - t0 < 1000, `DELETE ${name} took ${(performance.now() - t0).toFixed(0)} ms`);
  }
  pumping = false;
  for (const s of sockets) s.destroy();
});

test("close() stops the API, every proxy and every connection", async () => {
  const upstream = await echoServer();
  const tp = await toxiproxy();
  try {
    const r1 = await call(tp, "POST", "/proxies", {
      name: "a",
      listen: "127.0.0.1:0",
      upstream: upstream.address,
    });
    const port = Number(r1.json.listen.split(":")[1]);
    await addToxic(tp, "a", { type: "timeout", attributes: { timeout: 60_000 } });
    const s = await connectTo(port);
    const ending = readToEnd(s, 3000);
    await tp.close();
    assert.equal((await ending).how, "end");
    await assert.rejects(connectTo(port), /ECONNREFUSED/);
    await assert.rejects(fetch(`${tp.url}/version`), /fetch failed/);
  } finally {
    await tp.close();
    await upstream.close();
  }
});
