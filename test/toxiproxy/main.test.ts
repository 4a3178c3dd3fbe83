// The standalone command, hivestorm-toxiproxy: plain JavaScript built on first use into a cache, upstream's flags
// and LOG_LEVEL, and a clean exit on SIGTERM.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { toxiproxyCommand } from "../../sdk/testbed/toxiproxy-process.ts";

const cache = mkdtempSync(join(tmpdir(), "hivestorm-toxiproxy-test-"));
after(() => rmSync(cache, { recursive: true, force: true }));

function start(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const [node, ...rest] = toxiproxyCommand();
  const child = spawn(node, [...rest, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HIVESTORM_CACHE_DIR: cache, ...env },
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  return { child, output: () => out };
}

async function listening(s: { child: ChildProcess; output: () => string }): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const m = /API listening on (http:\/\/\S+)/.exec(s.output());
    if (m) return m[1];
    if (s.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not listening: ${s.output()}`);
}

test("built once into the cache, run as plain JavaScript, with -proxy-metrics and LOG_LEVEL", async () => {
  const s = start(["-host", "127.0.0.1", "-port", "0", "-proxy-metrics"], { LOG_LEVEL: "info" });
  try {
    const url = await listening(s);
    const bundle = join(cache, "toxiproxy-server.cjs");
    assert.ok(statSync(bundle).isFile(), "the bundle is in the cache");
    const cmdline = readFileSync(`/proc/${s.child.pid}/cmdline`, "utf8");
    assert.doesNotMatch(cmdline, /tsx/, "no TypeScript loader in the server process");
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200);
    await metrics.text();
    const first = JSON.parse(s.output().split("\n")[0]);
    assert.equal(first.level, "info");
    assert.equal(first.message, "Starting Toxiproxy");
    assert.equal(first.version, "2.12.0");
    assert.doesNotMatch(s.output(), /"level":"debug"/, "LOG_LEVEL=info hides the access lines");
  } finally {
    s.child.kill("SIGTERM");
  }
  const [code] = await once(s.child, "exit");
  assert.equal(code, 0);
  assert.match(s.output(), /"message":"Shutdown started"/);

  // A second start reuses the bundle.
  const built = statSync(join(cache, "toxiproxy-server.cjs")).mtimeMs;
  const v = start(["-version"]);
  await once(v.child, "exit");
  assert.equal(v.output(), "toxiproxy-server version 2.12.0\n");
  assert.equal(statSync(join(cache, "toxiproxy-server.cjs")).mtimeMs, built);
});

test("a bad flag: every problem at once and exit code 2", async () => {
  const s = start(["-port", "http", "-nope"]);
  const [code] = await once(s.child, "exit");
  assert.equal(code, 2);
  assert.match(s.output(), /-port: expected a port/);
  assert.match(s.output(), /-nope: flag provided but not defined/);
});
