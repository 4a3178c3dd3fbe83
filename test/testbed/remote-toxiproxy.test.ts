// A service fronted by a Toxiproxy of its own (another host's, in real life): here a second server on another
// loopback port. The testbed creates the service's proxy there, faults on the service land there, and the proxy
// is removed again when the testbed closes; the other services keep the run's embedded Toxiproxy.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { chaos } from "../../sdk/index.ts";
import { testbed } from "../../sdk/testbed/testbed.ts";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/server.ts";
import { ECHO_SERVER, portBlock } from "./ports.ts";

const P = portBlock(3);
const node = (port: number, name: string) => [process.execPath, ECHO_SERVER, String(port), name];

describe("a service fronted by a remote Toxiproxy", () => {
  let remote: ToxiproxyServer;
  before(async () => {
    remote = await startToxiproxy({ host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await remote.close();
  });

  const toxicsOn = async (url: string, proxy: string) => {
    const res = await fetch(`${url}/proxies/${proxy}/toxics`);
    return res.status === 404 ? null : ((await res.json()) as unknown[]);
  };

  it("gets its proxy and its faults there; the proxy is removed when the testbed closes", async () => {
    const bed = await testbed({
      config: {
        name: "two hosts",
        services: {
          near: {
            command: node(P, "near"),
            url: `http://127.0.0.1:${P}`,
            proxy: { listen: `127.0.0.1:${P + 1}` },
          },
          far: {
            command: node(P + 2, "far"),
            url: `http://127.0.0.1:${P + 2}`,
            proxy: { listen: `127.0.0.1:${P + 3}` },
            toxiproxy: remote.url,
          },
        },
        traffic: { service: "near", path: "/" },
      },
      handleSignals: false,
      log: () => {},
    });
    try {
      assert.notEqual(bed.toxiproxy.url, remote.url, "the run still has its own Toxiproxy for the others");
      assert.deepEqual(await toxicsOn(remote.url, "far"), []);
      assert.equal(await toxicsOn(remote.url, "near"), null, "near is not on the remote one");
      assert.equal(await (await fetch(bed.url("far"))).text(), "far");
      const h = await chaos.network.latency(300).on("far").apply();
      assert.equal((await toxicsOn(remote.url, "far"))?.length, 1, "the toxic is on the remote Toxiproxy");
      assert.deepEqual(await toxicsOn(bed.toxiproxy.url, "far"), null);
      const t0 = performance.now();
      await (await fetch(bed.url("far"))).text();
      assert.ok(performance.now() - t0 >= 280, "the latency is felt through the remote proxy");
      await h.revert();
      assert.deepEqual(await toxicsOn(remote.url, "far"), []);
    } finally {
      await bed.close();
    }
    assert.equal(await toxicsOn(remote.url, "far"), null, "its proxy is gone from the remote Toxiproxy");
  });

  it("a remote Toxiproxy off loopback is refused unless allowed, naming the field", async () => {
    await assert.rejects(
      testbed({
        config: {
          name: "x",
          services: {
            a: {
              url: "http://127.0.0.1:1",
              proxy: { listen: "127.0.0.1:2" },
              toxiproxy: "http://10.0.0.8:8474",
            },
          },
          traffic: { service: "a", path: "/" },
        },
        handleSignals: false,
        log: () => {},
      }),
      /services\.a\.toxiproxy: 10\.0\.0\.8 is not loopback \(pass --allow-non-loopback/,
    );
  });
});
