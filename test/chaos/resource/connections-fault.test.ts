import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { NonLoopbackTargetError, ValidationError } from "../../../sdk/core/errors.ts";
import { sleep, testContext } from "./helpers.ts";

const open = new Set<Socket>();
let received = "";
const server = createServer((s) => {
  open.add(s);
  s.on("data", (c) => {
    received += c.toString();
  });
  s.on("close", () => open.delete(s));
  s.on("error", () => {});
});
let url = "";
before(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  for (const s of open) s.destroy();
  server.close();
});

describe("chaos.resource.connections", () => {
  it("is loopback only and bounded", async () => {
    assert.deepEqual(
      resource
        .connections(0)
        .on("http://10.0.0.1:80")
        .validate()
        .map((p) => p.path),
      ["on", "count"],
    );
    assert.deepEqual(
      resource
        .connections(100_000)
        .on("http://127.0.0.1")
        .validate()
        .map((p) => p.path),
      ["on", "count"],
    );
    await assert.rejects(
      resource.connections(5).on("http://example.com:80").apply(testContext()),
      ValidationError,
    );
    assert.ok(new NonLoopbackTargetError("x", "y") instanceof Error);
  });

  it("holds N idle connections open until revert, then closes them all", async () => {
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .connections(300)
      .on(url)
      .observe((o) => seen.push(o))
      .apply(testContext());
    try {
      for (let i = 0; i < 50 && open.size < 300; i++) await sleep(20);
      assert.equal(open.size, 300);
      assert.equal(seen[0].facts.opened, 300);
      // The server closes some: counted as closed by the peer, not as held.
      let n = 0;
      for (const s of open) if (n++ < 10) s.destroy();
      await sleep(100);
    } finally {
      await handle.revert();
    }
    for (let i = 0; i < 50 && open.size > 0; i++) await sleep(20);
    assert.equal(open.size, 0);
    assert.equal(seen.at(-1)?.facts.closedByPeer, 10);
    assert.equal(seen.at(-1)?.facts.heldAtEnd, 290);
  });

  it("slow connections trickle an HTTP request's headers and never finish it", async () => {
    received = "";
    const handle = await resource.connections(3).slow().on(url).apply(testContext());
    try {
      await sleep(1300);
      assert.equal(received.match(/POST \/v1\/inference HTTP\/1\.1/g)?.length, 3);
      assert.ok(received.includes("X"), "a header byte trickled in");
      assert.ok(!received.includes("\r\n\r\n"), "the headers never end");
    } finally {
      await handle.revert();
    }
  });

  it("counts refused connections as failed", async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const port = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .connections(5)
      .on(`http://127.0.0.1:${port}`)
      .observe((o) => seen.push(o))
      .apply(testContext());
    await handle.revert();
    assert.equal(seen[0].facts.failed, 5);
    assert.equal(seen[0].facts.opened, 0);
  });
});
