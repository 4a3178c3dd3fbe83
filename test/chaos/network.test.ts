import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";
import { createChaosContext } from "../../sdk/chaos/context.ts";
import { applyFault } from "../../sdk/chaos/fault.ts";
import { ensureProxies } from "../../sdk/chaos/toxiproxy-client.ts";
import { ValidationError } from "../../sdk/core/errors.ts";
import { CleanupLedger } from "../../sdk/core/ledger.ts";
import { makeScope, within } from "../../sdk/core/run-scope.ts";
import { chaos } from "../../sdk/index.ts";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";

let toxiproxy: ToxiproxyServer;
let upstream: Server;
let proxyUrl: string;
let ledger: CleanupLedger;
let ctx: ReturnType<typeof createChaosContext>;

async function timedGet(timeoutMs = 3000): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(proxyUrl, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return { ms: performance.now() - t0, status: res.status };
  } catch {
    return { ms: performance.now() - t0, status: 0 };
  }
}

async function toxics(): Promise<{ name: string; type: string; stream: string; toxicity: number }[]> {
  return (await (await fetch(`${toxiproxy.url}/proxies/svc/toxics`)).json()) as {
    name: string;
    type: string;
    stream: string;
    toxicity: number;
  }[];
}

before(async () => {
  upstream = createServer((_req, res) => res.end("hello")).listen(0, "127.0.0.1");
  await new Promise((r) => upstream.once("listening", r));
  toxiproxy = await startToxiproxy({ host: "127.0.0.1", port: 0 });
  await ensureProxies(toxiproxy.url, [
    { name: "svc", listen: "127.0.0.1:0", upstream: `127.0.0.1:${(upstream.address() as AddressInfo).port}` },
  ]);
  const listen = ((await (await fetch(`${toxiproxy.url}/proxies/svc`)).json()) as { listen: string }).listen;
  proxyUrl = `http://${listen}/`;
});
beforeEach(() => {
  ledger = new CleanupLedger();
  ctx = createChaosContext({ toxiproxyUrl: toxiproxy.url, proxies: { svc: "svc" }, ledger });
});
after(async () => {
  await toxiproxy.close();
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

describe("chaos.network builders", () => {
  it("are immutable: each call returns a new spec", () => {
    const a = chaos.network.latency(500);
    const b = a.jitter(100).on("queen").upstream().toxicity(0.5);
    assert.deepEqual(a.toJSON(), {
      kind: "network-latency",
      toxic: "latency",
      service: undefined,
      stream: "downstream",
      toxicity: 1,
      attributes: { latency: 500, jitter: 0 },
    });
    assert.equal(b.toJSON().stream, "upstream");
    assert.equal(b.toJSON().toxicity, 0.5);
    assert.deepEqual(b.toJSON().attributes, { latency: 500, jitter: 100 });
    assert.equal(b.describe(), "latency 500ms ± 100ms on queen (upstream, 50% of connections)");
  });

  it("validate lists every problem at once", () => {
    const problems = chaos.network.latency(-1).jitter(1.5).toxicity(2).validate();
    assert.deepEqual(
      problems.map((p) => p.path),
      ["latency", "jitter", "toxicity", "on"],
    );
    assert.equal(chaos.network.slice(10, 20).on("x").validate()[0].path, "size_variation");
    assert.equal(chaos.network.loss(0).on("x").validate()[0].path, "fraction");
  });

  it("loss cuts a fraction of connections through toxicity", () => {
    const j = chaos.network.loss(0.3).on("hive").toJSON();
    assert.equal(j.toxic, "reset_peer");
    assert.equal(j.toxicity, 0.3);
  });
});

describe("applying network faults to a real Toxiproxy", () => {
  it("refuses an invalid spec and applies nothing", async () => {
    await assert.rejects(applyFault(chaos.network.latency(-5).on("svc"), ctx), ValidationError);
    assert.deepEqual(await toxics(), []);
    assert.equal(ledger.size, 0);
  });

  it("latency is felt while applied, gone after revert; revert is idempotent and settles the ledger", async () => {
    const base = await timedGet();
    const handle = await chaos.network.latency(300).on("svc").apply(ctx);
    assert.equal(ledger.size, 1);
    const t = await toxics();
    assert.equal(t.length, 1);
    assert.equal(t[0].type, "latency");
    const slow = await timedGet();
    assert.ok(slow.ms >= 290, `latency felt: ${slow.ms}`);
    await Promise.all([handle.revert(), handle.revert()]);
    await handle.revert();
    assert.deepEqual(await toxics(), []);
    assert.equal(ledger.size, 0);
    const fast = await timedGet();
    assert.ok(fast.ms < 250 + base.ms, `no latency after revert: ${fast.ms}`);
  });

  it("both() adds one toxic per direction and `await using` reverts them", async () => {
    {
      await using _ = await chaos.network.bandwidth(100).both().on("svc").apply(ctx);
      assert.deepEqual((await toxics()).map((t) => t.stream).sort(), ["downstream", "upstream"]);
    }
    assert.deepEqual(await toxics(), []);
  });

  it("down() refuses connections until reverted", async () => {
    const handle = await chaos.network.down().on("svc").apply(ctx);
    assert.equal((await timedGet()).status, 0);
    await handle.revert();
    assert.equal((await timedGet()).status, 200);
  });

  it("partition() holds requests without an answer", async () => {
    const handle = await chaos.network.partition().on("svc").apply(ctx);
    const r = await timedGet(600);
    assert.equal(r.status, 0);
    assert.ok(r.ms >= 550, `hung until the client gave up: ${r.ms}`);
    await handle.revert();
    assert.equal((await timedGet()).status, 200);
  });

  it(".for(d) reverts by itself after the time-scaled duration, and tells the listeners", async () => {
    const events: string[] = [];
    ctx.events.on("applied", () => events.push("applied"));
    ctx.events.on("reverted", () => events.push("reverted"));
    const t0 = Date.now();
    const w = await within(makeScope({ timeScale: 0.5 }), () =>
      chaos.network.latency(10).on("svc").for("600ms", ctx),
    );
    assert.ok(w.revertedAt - w.appliedAt >= 280 && Date.now() - t0 < 2000);
    assert.deepEqual(events, ["applied", "reverted"]);
    assert.deepEqual(await toxics(), []);
  });

  it("names an unknown service and the proxied ones", async () => {
    await assert.rejects(
      chaos.network.latency(1).on("nope").apply(ctx),
      /no proxy in front of service "nope"[\s\S]*svc/,
    );
  });

  it("the ledger reverts what a failed run left applied", async () => {
    await chaos.network.latency(100).on("svc").apply(ctx);
    await chaos.network.timeout(0).on("svc").upstream().apply(ctx);
    assert.equal((await toxics()).length, 2);
    assert.deepEqual(await ledger.revertAll(), []);
    assert.deepEqual(await toxics(), []);
  });
});
