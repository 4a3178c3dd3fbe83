import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { resource } from "../../../sdk/chaos/resource/index.ts";
import type { ResourceObservation } from "../../../sdk/chaos/resource/resource-fault.ts";
import { PrerequisiteError } from "../../../sdk/core/errors.ts";
import { sleep, testContext } from "./helpers.ts";

const WORKER = fileURLToPath(new URL("../../../demo/rbee/worker.ts", import.meta.url));
let worker: ChildProcess | undefined;
let url = "";

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function infer(): Promise<number> {
  const res = await fetch(`${url}/v1/infer`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt: "hi", max_tokens: 2 }),
    signal: AbortSignal.timeout(5000),
  });
  await res.text();
  return res.status;
}

before(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  worker = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, "--port", String(port), "--load-ms", "0", "--vram-mb", "1024"],
    {
      stdio: "ignore",
    },
  );
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error("the demo worker did not start");
});
after(() => {
  worker?.kill("SIGKILL");
});

// The demo worker's simulated-VRAM endpoints.
const ENDPOINT = { health: "/health", hold: "/v1/debug/vram" };

describe("chaos.resource.vram", () => {
  it("validates percent and the workers' addresses", () => {
    assert.deepEqual(
      resource
        .vram({ percent: 0 })
        .on(["http://10.1.1.1:9300", "nope"])
        .validate()
        .map((p) => p.path),
      ["simulated", "on[0]", "on[1]", "percent"],
    );
    assert.deepEqual(
      resource
        .vram()
        .validate()
        .map((p) => p.path),
      ["on", "simulated"],
    );
    assert.equal(resource.vram().device(0).describe(), "vram: hold 100% of the free memory of GPU 0");
  });

  it("fills the demo worker's simulated VRAM (and says it is simulated), frees it on revert", async () => {
    assert.equal(await infer(), 200);
    const seen: ResourceObservation[] = [];
    const handle = await resource
      .vram({ percent: 100 })
      .on(url)
      .simulated(ENDPOINT)
      .observe((o) => seen.push(o))
      .apply(testContext());
    try {
      assert.equal(await infer(), 503);
      assert.match(seen[0].how, /^simulated VRAM \(no accelerator/);
      assert.equal(seen[0].facts.simulated, true);
    } finally {
      await handle.revert();
    }
    assert.equal(await infer(), 200);
  });

  it("refuses a service without simulated VRAM, changing nothing", async () => {
    const other = createServer((s) =>
      s.end("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"),
    );
    await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    try {
      const port = (other.address() as { port: number }).port;
      await assert.rejects(
        resource.vram().on(`http://127.0.0.1:${port}`).simulated(ENDPOINT).apply(testContext()),
        PrerequisiteError,
      );
    } finally {
      other.close();
    }
  });

  it("a real device needs an NVIDIA GPU: refused with the reason here", {
    skip: process.env.HIVESTORM_GPU ? "a GPU is present" : false,
  }, async () => {
    await assert.rejects(resource.vram().device(0).apply(testContext()), (e: unknown) => {
      assert.ok(e instanceof PrerequisiteError);
      assert.match(e.message, /no NVIDIA GPU/);
      return true;
    });
  });
});
