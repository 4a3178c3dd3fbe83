import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addToxic, setProxyEnabled } from "../../sdk/chaos/toxiproxy-client.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { openToxiproxy } from "../../sdk/testbed/toxiproxy.ts";
import { startToxiproxyProcess } from "../../sdk/testbed/toxiproxy-process.ts";
import { portBlock, portOpen } from "./ports.ts";

const P = portBlock(2);
const system: SystemDefinition = {
  name: "t",
  services: {
    app: { url: `http://127.0.0.1:${P + 1}`, proxy: { listen: `127.0.0.1:${P}` } },
    direct: { url: `http://127.0.0.1:${P + 2}` },
  },
  traffic: { service: "app", path: "/" },
};

const proxies = async (url: string) =>
  (await (await fetch(`${url}/proxies`)).json()) as Record<string, { enabled: boolean; upstream: string }>;
const toxics = async (url: string, proxy: string) =>
  (await (await fetch(`${url}/proxies/${proxy}/toxics`)).json()) as { name: string }[];

describe("openToxiproxy", () => {
  it("embedded: starts the server, creates a proxy per proxied service; close() stops it all", async () => {
    const logs: string[] = [];
    const t = await openToxiproxy(system, { log: (l) => logs.push(l) });
    const port = Number(new URL(t.url).port);
    try {
      assert.equal(t.embedded, true);
      assert.ok(t.version);
      assert.deepEqual(t.proxies, { app: "app" });
      const ps = await proxies(t.url);
      assert.deepEqual(Object.keys(ps), ["app"]);
      assert.equal(ps.app.upstream, `127.0.0.1:${P + 1}`);
      assert.equal(await portOpen(P), true, "the proxy listens");
      assert.match(logs[0], /^toxiproxy embedded .* at http:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await t.close();
    }
    assert.equal(await portOpen(P), false);
    assert.equal(await portOpen(port), false, "the embedded server is gone");
  });

  it("reset() removes every toxic of a service's proxy and enables it again", async () => {
    const t = await openToxiproxy(system, { log: () => {} });
    try {
      for (const name of ["slow", "slower"])
        await addToxic(t.url, "app", {
          ...{ name, type: "latency", stream: "downstream", toxicity: 1 },
          attributes: { latency: 100 },
        });
      await setProxyEnabled(t.url, "app", false);
      assert.equal((await toxics(t.url, "app")).length, 2);
      await t.reset("app");
      assert.deepEqual(await toxics(t.url, "app"), []);
      assert.equal((await proxies(t.url)).app.enabled, true);
      await t.reset("app"); // nothing to do: still fine
    } finally {
      await t.close();
    }
  });

  it("external: drives the Toxiproxy given, and removes only its own proxies at the end", async () => {
    const server = await startToxiproxyProcess();
    try {
      await fetch(`${server.url}/proxies`, {
        method: "POST",
        body: JSON.stringify({ name: "theirs", listen: `127.0.0.1:${P + 3}`, upstream: "127.0.0.1:9" }),
      });
      const t = await openToxiproxy(system, { url: server.url, log: () => {} });
      assert.equal(t.embedded, false);
      assert.equal(t.url, server.url);
      assert.deepEqual(Object.keys(await proxies(server.url)).sort(), ["app", "theirs"]);
      await t.close();
      assert.deepEqual(Object.keys(await proxies(server.url)), ["theirs"], "the other proxy is left alone");
    } finally {
      await server.close();
    }
  });

  it("an unreachable Toxiproxy is an error before anything is created", async () => {
    await assert.rejects(openToxiproxy(system, { url: `http://127.0.0.1:${P + 4}`, log: () => {} }));
  });
});
