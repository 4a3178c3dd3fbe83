// API conformance through the real client, toxiproxy-node-client 4.1: its own suite's cases (Toxiproxy, Proxy,
// Toxic, ToxicTypes specs), run against the embedded server on an ephemeral port.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type Bandwidth,
  type ICreateToxicBody,
  type Latency,
  type Slicer,
  type Slowclose,
  type Timeout,
  Toxiproxy,
  ToxiproxyError,
} from "toxiproxy-node-client";
import type { ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";
import { toxiproxy } from "./helpers.ts";

let server: ToxiproxyServer;
let client: Toxiproxy;

before(async () => {
  server = await toxiproxy();
  client = new Toxiproxy(server.url);
});
after(() => server.close());

const body = <T>(type: string, attributes: T, extra: object = {}) =>
  ({ type, attributes, ...extra }) as unknown as ICreateToxicBody<T>;

async function rejectsWith(promise: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(promise, (e: Error) => {
    assert.ok(e instanceof ToxiproxyError);
    assert.equal(e.message, `Request failed with status code ${status}`);
    return true;
  });
}

describe("Toxiproxy", () => {
  test("create, get and remove a proxy", async () => {
    const p = await client.createProxy({
      name: "ct-create",
      listen: "localhost:0",
      upstream: "localhost:6379",
    });
    assert.equal(p.name, "ct-create");
    assert.match(p.listen, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(p.listen, "127.0.0.1:0");
    const got = await client.get("ct-create");
    assert.equal(got.listen, p.listen);
    assert.equal(got.upstream, "localhost:6379");
    await got.remove();
    await rejectsWith(client.get("ct-create"), 404);
  });

  test("getVersion returns the release string with its newline", async () => {
    assert.equal(await client.getVersion(), '{"version": "2.12.0"}\n');
  });

  test("populate returns the proxies and getAll lists them with listen as bound", async () => {
    const made = await client.populate([
      { name: "ct-pop1", listen: "127.0.0.1:0", upstream: "localhost:6379" },
      { name: "ct-pop2", listen: "127.0.0.1:0", upstream: "localhost:12345" },
    ]);
    assert.deepEqual(Object.keys(made).sort(), ["ct-pop1", "ct-pop2"]);
    const all = await client.getAll();
    assert.equal(all["ct-pop1"].listen, made["ct-pop1"].listen);
    assert.equal(all["ct-pop2"].upstream, "localhost:12345");
    await all["ct-pop1"].remove();
    await all["ct-pop2"].remove();
  });

  test("reset enables proxies and clears toxics", async () => {
    const p = await client.createProxy({
      name: "ct-reset",
      listen: "127.0.0.1:0",
      upstream: "localhost:6379",
    });
    await p.addToxic(body<Latency>("latency", { latency: 10, jitter: 0 }));
    await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
    await client.reset();
    const after = (await (await fetch(`${server.url}/proxies/ct-reset`)).json()) as {
      enabled: boolean;
      toxics: unknown[];
    };
    assert.equal(after.enabled, true);
    assert.deepEqual(after.toxics, []);
    await p.remove();
  });
});

describe("Proxy", () => {
  test("disable, then enable with a new loopback upstream", async () => {
    const p = await client.createProxy({
      name: "ct-update",
      listen: "127.0.0.1:0",
      upstream: "localhost:6379",
    });
    const off = await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
    assert.equal(off.enabled, false);
    const on = await off.update({ enabled: true, listen: p.listen, upstream: "localhost:12345" });
    assert.equal(on.enabled, true);
    assert.equal(on.upstream, "localhost:12345");
    await on.remove();
  });

  test("a duplicate create is a 409", async () => {
    const p = await client.createProxy({ name: "ct-dup", listen: "127.0.0.1:0", upstream: "localhost:6379" });
    await rejectsWith(
      client.createProxy({ name: "ct-dup", listen: "127.0.0.1:0", upstream: "localhost:6379" }),
      409,
    );
    await p.remove();
  });
});

describe("Toxic", () => {
  test("create, get, update and remove a latency toxic", async () => {
    const p = await client.createProxy({
      name: "ct-toxic",
      listen: "127.0.0.1:0",
      upstream: "localhost:6379",
    });
    const t = await p.addToxic(body<Latency>("latency", { latency: 1000, jitter: 100 }));
    assert.equal(t.name, "latency_downstream");
    assert.equal(t.toxicity, 1);
    assert.equal(t.stream, "downstream");
    assert.deepEqual(t.attributes, { latency: 1000, jitter: 100 });
    const got = await p.getToxic<Latency>("latency_downstream");
    assert.deepEqual(got.attributes, t.attributes);
    const updated = await got.update(body<Latency>("latency", { latency: 12345, jitter: 42 }));
    assert.deepEqual(updated.attributes, { latency: 12345, jitter: 42 });
    await updated.remove();
    await rejectsWith(p.getToxic("latency_downstream"), 404);
    await rejectsWith(p.getToxic("latency"), 404);
    await p.remove();
  });

  test("a duplicate toxic is a 409", async () => {
    const p = await client.createProxy({
      name: "ct-toxic-dup",
      listen: "127.0.0.1:0",
      upstream: "localhost:6379",
    });
    await p.addToxic(body<Latency>("latency", { latency: 1, jitter: 0 }));
    await rejectsWith(p.addToxic(body<Latency>("latency", { latency: 1, jitter: 0 })), 409);
    await p.remove();
  });
});

describe("ToxicTypes", () => {
  const cases: [string, object][] = [
    ["latency", { latency: 1000, jitter: 100 } satisfies Latency],
    ["bandwidth", { rate: 1000 } satisfies Bandwidth],
    ["slow_close", { delay: 1000 } satisfies Slowclose],
    ["timeout", { timeout: 1000 } satisfies Timeout],
    ["slicer", { average_size: 1000, size_variation: 1000, delay: 1000 } satisfies Slicer],
    ["reset_peer", { timeout: 1000 }],
    ["limit_data", { bytes: 1000 }],
  ];
  for (const [type, attributes] of cases) {
    test(`${type} echoes its attributes`, async () => {
      const p = await client.createProxy({
        name: `ct-${type}`,
        listen: "127.0.0.1:0",
        upstream: "localhost:6379",
      });
      const t = await p.addToxic(body(type, attributes));
      assert.equal(t.type, type);
      assert.deepEqual(t.attributes, attributes);
      await p.remove();
    });
  }
});

describe("non-loopback upstreams", () => {
  test("are refused by default, and nothing is created", async () => {
    await rejectsWith(
      client.createProxy({ name: "ct-far", listen: "127.0.0.1:0", upstream: "somehost:12345" }),
      400,
    );
    await rejectsWith(client.get("ct-far"), 404);
    const raw = await fetch(`${server.url}/proxies`, {
      method: "POST",
      body: JSON.stringify({ name: "ct-far", listen: "127.0.0.1:0", upstream: "10.1.2.3:80" }),
    });
    assert.equal(raw.status, 400);
    assert.match(
      ((await raw.json()) as { error: string }).error,
      /10\.1\.2\.3:80 is not on loopback.*-allow-non-loopback/,
    );
  });

  test("are accepted (not dialled) when the server allows them: the client suite's somehost case", async () => {
    const open = await toxiproxy({ allowNonLoopback: true });
    try {
      const c = new Toxiproxy(open.url);
      const p = await c.createProxy({ name: "far", listen: "127.0.0.1:0", upstream: "localhost:6379" });
      const off = await p.update({ enabled: false, listen: p.listen, upstream: p.upstream });
      const on = await off.update({ enabled: true, listen: p.listen, upstream: "somehost:12345" });
      assert.equal(on.enabled, true);
      assert.equal(on.upstream, "somehost:12345");
    } finally {
      await open.close();
    }
  });
});
