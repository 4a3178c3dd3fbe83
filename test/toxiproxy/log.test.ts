// Upstream's logs: JSON lines (zerolog's layout), LOG_LEVEL as zerolog reads it, one debug access line per API
// request on a known route.
import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonLogger, parseLogLevel } from "../../sdk/toxiproxy/log.ts";
import { startToxiproxy } from "../../sdk/toxiproxy/server.ts";
import { call } from "./helpers.ts";

test("LOG_LEVEL: names in any case, warning, disabled, numbers, and an error line for anything else", () => {
  assert.equal(parseLogLevel(undefined).threshold, -128, "unset: everything, zerolog's default");
  assert.equal(parseLogLevel("INFO").threshold, 1);
  assert.equal(parseLogLevel("warning").threshold, 2);
  assert.equal(parseLogLevel("disabled").threshold, 7);
  assert.equal(parseLogLevel("3").threshold, 3);
  const lines: string[] = [];
  const logger = jsonLogger((l) => lines.push(l), "loud");
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.deepEqual(Object.keys(line), ["level", "error", "time", "message"]);
  assert.equal(line.level, "error");
  assert.equal(line.error, "Unknown Level String: 'loud', defaulting to NoLevel");
  assert.equal(line.message, 'unknown LOG_LEVEL value: "loud"');
  assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(logger.enabled("trace"), "an unknown level leaves the default");
  const warn = jsonLogger((l) => lines.push(l), "warn");
  assert.ok(!warn.enabled("info") && warn.enabled("warn") && warn.enabled("error"));
  warn.log("info", { a: 1 }, "dropped");
  assert.equal(lines.length, 1);
});

test("each API request on a known route gets one debug access line; 404s and 405s none", async () => {
  const lines: string[] = [];
  const tp = await startToxiproxy({
    host: "127.0.0.1",
    port: 0,
    logger: jsonLogger((l) => lines.push(l), "debug"),
  });
  try {
    const r = await fetch(`${tp.url}/version?x=1`, { headers: { "User-Agent": "log-test" } });
    assert.equal(r.status, 200);
    await r.text();
    assert.equal((await call(tp, "GET", "/nowhere")).status, 404);
    assert.equal((await call(tp, "PUT", "/proxies")).status, 405);
    const access = lines.map((l) => JSON.parse(l)).filter((l) => l.level === "debug");
    assert.equal(access.length, 1, lines.join(""));
    const a = access[0];
    assert.deepEqual(Object.keys(a), [
      "level",
      "request_id",
      "client",
      "method",
      "url",
      "user_agent",
      "status",
      "size",
      "duration",
      "handler",
      "time",
    ]);
    assert.equal(a.request_id, r.headers.get("x-toxiproxy-request-id"));
    assert.match(a.client, /^127\.0\.0\.1:\d+$/);
    assert.equal(a.method, "GET");
    assert.equal(a.url, "/version?x=1");
    assert.equal(a.user_agent, "log-test");
    assert.equal(a.status, 200);
    assert.equal(a.size, '{"version": "2.12.0"}\n'.length);
    assert.equal(typeof a.duration, "number");
    assert.equal(a.handler, "Version");
    const info = lines.map((l) => JSON.parse(l)).find((l) => l.message === "Starting Toxiproxy HTTP server");
    assert.equal(info?.address, "127.0.0.1:0");
  } finally {
    await tp.close();
  }
});
