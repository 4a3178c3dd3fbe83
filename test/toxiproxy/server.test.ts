import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { PrerequisiteError, ValidationError } from "../../sdk/core/errors.ts";
import { startToxiproxy } from "../../sdk/toxiproxy/index.ts";
import { call, within } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "toxiproxy-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the API listens on localhost by default, and reports its bound address", async () => {
  const tp = await startToxiproxy({ port: 0 });
  try {
    assert.equal(tp.host, "127.0.0.1");
    assert.equal(tp.url, `http://127.0.0.1:${tp.port}`);
    const v = await call(tp, "GET", "/version");
    assert.equal(v.text, '{"version": "2.12.0"}\n');
    assert.equal(v.headers.get("content-type"), "application/json;charset=utf-8");
  } finally {
    await tp.close();
  }
});

test("an API port in use: a PrerequisiteError saying where and what to do", async () => {
  const first = await startToxiproxy({ host: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      startToxiproxy({ host: "127.0.0.1", port: first.port }),
      (e: Error) =>
        e instanceof PrerequisiteError &&
        /cannot listen on 127\.0\.0\.1:\d+[\s\S]*EADDRINUSE/.test(e.message),
    );
  } finally {
    await first.close();
  }
});

test("bad options: one ValidationError naming each", async () => {
  await assert.rejects(
    startToxiproxy({ port: 70000, host: "" }),
    (e: ValidationError) => e instanceof ValidationError && e.problems.length === 2,
  );
});

test("-config loads proxies with populate semantics before the API answers", async () => {
  const path = join(dir, "proxies.json");
  writeFileSync(path, JSON.stringify([{ name: "cfg", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" }]));
  const tp = await startToxiproxy({ host: "127.0.0.1", port: 0, config: path });
  try {
    const p = await call(tp, "GET", "/proxies/cfg");
    assert.equal(p.status, 200);
    assert.match(p.json.listen, /^127\.0\.0\.1:[1-9]\d*$/);
  } finally {
    await tp.close();
  }
});

test("a bad -config is an error naming the file (upstream only logs it)", async () => {
  const missing = join(dir, "missing.json");
  await assert.rejects(
    startToxiproxy({ port: 0, config: missing }),
    new RegExp(`toxiproxy config ${missing}`),
  );
  const bad = join(dir, "bad.json");
  writeFileSync(bad, '[{"name":"x"}]');
  await assert.rejects(
    startToxiproxy({ port: 0, config: bad }),
    /missing required field: upstream at proxy 1/,
  );
  const far = join(dir, "far.json");
  writeFileSync(far, '[{"name":"x","listen":"127.0.0.1:0","upstream":"example.com:80"}]');
  await assert.rejects(startToxiproxy({ port: 0, config: far }), /not on loopback/);
});

function runScript(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/toxiproxy-server.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
}

test("the standalone script serves the API and exits 0 on SIGTERM, closing its proxies", async () => {
  const run = runScript(["-host", "127.0.0.1", "-port=0"]);
  try {
    await within(
      (async () => {
        while (!/listening on/.test(run.out())) await new Promise((r) => setTimeout(r, 50));
      })(),
      60_000,
      "the script's listening line",
    );
    const url = /listening on (http:\S+)/.exec(run.out())![1];
    const tp = { url };
    const created = await call(tp as never, "POST", "/proxies", {
      name: "s",
      listen: "127.0.0.1:0",
      upstream: "127.0.0.1:9",
    });
    assert.equal(created.status, 201);
    run.child.kill("SIGTERM");
    assert.equal(await within(run.exited, 10_000, "exit"), 0);
    await assert.rejects(fetch(`${url}/version`));
  } finally {
    run.child.kill("SIGKILL");
  }
});

test("the script: -version prints upstream's line; a bad flag exits 2 with one clear error", async () => {
  const v = runScript(["-version"]);
  assert.equal(await within(v.exited, 60_000, "exit"), 0);
  assert.equal(v.out(), "toxiproxy-server version 2.12.0\n");
  const bad = runScript(["-port", "x", "-nope"]);
  assert.equal(await within(bad.exited, 60_000, "exit"), 2);
  assert.match(bad.err(), /toxiproxy-server flags is invalid \(2 problems\)/);
});
