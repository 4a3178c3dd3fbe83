import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { get } from "node:http";
import { connect, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { prlimitMissing } from "../../../sdk/chaos/resource/fd-fault.ts";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import { openDescriptors } from "../../../sdk/chaos/resource/proc-info.ts";
import { type Hog, sleep, startHog, testContext } from "./helpers.ts";

const skip = (await prlimitMissing()) ?? false;
const hogs: Hog[] = [];
after(async () => {
  for (const h of hogs) await h.stop();
});

function limits(pid: number): string {
  return /^Max open files.*$/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))![0];
}

/** Opens `n` new connections at once (no pooling); how many got an answer. */
async function answered(url: string, n: number): Promise<number> {
  const one = () =>
    new Promise<boolean>((resolve) => {
      const req = get(`${url}/health`, { agent: false, timeout: 3000 }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode === 200));
      });
      req.on("timeout", () => req.destroy());
      req.on("error", () => resolve(false));
    });
  const results = await Promise.all(Array.from({ length: n }, one));
  return results.filter(Boolean).length;
}

/** Opens `n` connections that say nothing, held until destroyed. */
async function holdConnections(url: string, n: number): Promise<Socket[]> {
  const { hostname, port } = new URL(url);
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Socket>((resolve) => {
          const s = connect({ host: hostname, port: Number(port) });
          s.on("error", () => {});
          s.once("connect", () => resolve(s));
          s.once("close", () => resolve(s));
        }),
    ),
  );
}

describe("chaos.resource.fds", () => {
  it("validates leave and the target", () => {
    assert.deepEqual(
      resource
        .fds({ leave: -1 })
        .validate()
        .map((p) => p.path),
      ["on", "leave"],
    );
    assert.match(
      resource.fds().on({ pid: 77, id: "queen" }).describe(),
      /queen \(soft\) lowered to its open descriptors \+ 8/,
    );
  });

  it("lowers the target's RLIMIT_NOFILE so new connections fail, and restores the exact limits", {
    skip,
  }, async () => {
    const hog = await startHog();
    hogs.push(hog);
    const original = limits(hog.pid);
    const idle = await openDescriptors(hog.pid);
    assert.equal(await answered(hog.url, 20), 20);
    // The limit is taken from what it holds at apply: let the 20 server-side sockets close first.
    for (let i = 0; i < 100 && (await openDescriptors(hog.pid)) > idle; i++) await sleep(20);
    const handle = await resource.fds({ leave: 2 }).on({ pid: hog.pid }).apply(testContext());
    // Idle connections take the descriptors left (so that the burst does not depend on how fast the hog
    // answers and closes each one on a busy machine).
    const held = await holdConnections(hog.url, 4);
    try {
      assert.notEqual(limits(hog.pid), original);
      const ok = await answered(hog.url, 20);
      assert.ok(ok < 20, `some of 20 concurrent connections must fail, ${ok} answered`);
      assert.equal(hog.child.exitCode, null, "the target survives EMFILE");
    } finally {
      for (const c of held) c.destroy();
      await handle.revert();
    }
    assert.equal(limits(hog.pid), original);
    assert.equal(await answered(hog.url, 20), 20, "served again after");
  });
});
