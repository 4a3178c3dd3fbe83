// Bad input gets upstream's error, and the server's state is unchanged afterwards.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, test } from "node:test";
import type { ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";
import { call, toxiproxy } from "./helpers.ts";

let tp: ToxiproxyServer;
before(async () => {
  tp = await toxiproxy();
  assert.equal(
    (await call(tp, "POST", "/proxies", { name: "a", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" }))
      .status,
    201,
  );
  assert.equal(
    (await call(tp, "POST", "/proxies/a/toxics", { type: "latency", attributes: { latency: 5 } })).status,
    200,
  );
});
after(() => tp.close());

const state = async () => (await call(tp, "GET", "/proxies")).text;

async function refused(method: string, path: string, body: unknown, status: number, error: string | RegExp) {
  const before = await state();
  const res = await call(tp, method, path, body);
  assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)} → ${res.text}`);
  assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.ok(res.text.endsWith("\n"));
  if (typeof error === "string") assert.equal(res.json.error, error);
  else assert.match(res.json.error, error);
  assert.equal(res.json.status, status);
  assert.equal(await state(), before, "state unchanged");
}

test("malformed JSON, with Go's wording", async () => {
  await refused("POST", "/proxies", "", 400, "bad request body: EOF");
  await refused("POST", "/proxies", '{"name":"x",', 400, "bad request body: unexpected EOF");
  await refused(
    "POST",
    "/proxies",
    "nope",
    400,
    "bad request body: invalid character 'o' in literal null (expecting 'u')",
  );
  await refused(
    "POST",
    "/proxies",
    "xyz",
    400,
    "bad request body: invalid character 'x' looking for beginning of value",
  );
  await refused(
    "POST",
    "/proxies",
    '{"a" 1}',
    400,
    "bad request body: invalid character '1' after object key",
  );
  await refused("POST", "/proxies/a/toxics", "{", 400, "bad request body: unexpected EOF");
  await refused("POST", "/proxies/a", "[1,", 400, "bad request body: unexpected EOF");
  await refused(
    "POST",
    "/proxies/a/toxics/latency_downstream",
    "}",
    400,
    /^bad request body: invalid character '}'/,
  );
});

test("only the first JSON value is read, as Go's decoder does", async () => {
  const res = await call(
    tp,
    "POST",
    "/proxies",
    '{"name":"first","listen":"127.0.0.1:0","upstream":"127.0.0.1:9"} trailing',
  );
  assert.equal(res.status, 201);
  assert.equal((await call(tp, "DELETE", "/proxies/first")).status, 204);
});

test("wrong JSON types", async () => {
  await refused(
    "POST",
    "/proxies",
    [],
    400,
    "bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy",
  );
  await refused(
    "POST",
    "/proxies",
    { name: 5, upstream: "127.0.0.1:9" },
    400,
    /cannot unmarshal number into Go struct field Proxy\.name of type string/,
  );
  await refused(
    "POST",
    "/proxies/a",
    { enabled: "yes" },
    400,
    /cannot unmarshal string into Go struct field Proxy\.enabled of type bool/,
  );
  await refused(
    "POST",
    "/proxies/a/toxics",
    { name: "t", type: "latency", attributes: { latency: "100" } },
    400,
    "bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64",
  );
  await refused(
    "POST",
    "/proxies/a/toxics",
    { name: "t", type: "latency", attributes: { latency: 1.5 } },
    400,
    "bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64",
  );
  await refused(
    "POST",
    "/proxies/a/toxics",
    { name: "t", type: "latency", toxicity: "all" },
    400,
    /ToxicWrapper\.toxicity of type float32/,
  );
  await refused(
    "POST",
    "/proxies/a/toxics/latency_downstream",
    { attributes: { latency: 1, jitter: true } },
    400,
    "bad request body: json: cannot unmarshal bool into Go struct field LatencyToxic.attributes.jitter of type int64",
  );
});

test("unknown toxic types and streams", async () => {
  await refused("POST", "/proxies/a/toxics", { type: "nonexistent" }, 400, "invalid toxic type");
  await refused("POST", "/proxies/a/toxics", { type: "down" }, 400, "invalid toxic type");
  await refused("POST", "/proxies/a/toxics", { attributes: {} }, 400, "invalid toxic type");
  await refused(
    "POST",
    "/proxies/a/toxics",
    { type: "latency", stream: "sideways" },
    400,
    "stream was invalid, can be either upstream or downstream",
  );
  await refused(
    "POST",
    "/proxies/a/toxics",
    { type: "latency", stream: "" },
    400,
    "stream was invalid, can be either upstream or downstream",
  );
});

test("duplicate names, and missing fields", async () => {
  await refused(
    "POST",
    "/proxies",
    { name: "a", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" },
    409,
    "proxy already exists",
  );
  await refused("POST", "/proxies/a/toxics", { type: "latency" }, 409, "toxic already exists");
  await refused(
    "POST",
    "/proxies/a/toxics",
    { name: "latency_downstream", type: "noop", stream: "upstream" },
    409,
    "toxic already exists",
  );
  await refused("POST", "/proxies", { upstream: "127.0.0.1:9" }, 400, "missing required field: name");
  await refused("POST", "/proxies", { name: "b" }, 400, "missing required field: upstream");
  await refused("GET", "/proxies/zz", undefined, 404, "proxy not found");
  await refused("GET", "/proxies/a/toxics/zz", undefined, 404, "toxic not found");
  await refused("DELETE", "/proxies/a/toxics/zz", undefined, 404, "toxic not found");
});

test("a busy listen port: upstream's 500, and the proxy is not added", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    await refused(
      "POST",
      "/proxies",
      { name: "busy", listen: `127.0.0.1:${port}`, upstream: "127.0.0.1:9" },
      500,
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    await refused(
      "POST",
      "/proxies",
      { name: "busy", listen: `localhost:${port}`, upstream: "127.0.0.1:9" },
      500,
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    await refused(
      "POST",
      "/proxies",
      { name: "noport", listen: "127.0.0.1", upstream: "127.0.0.1:9" },
      500,
      "listen tcp: address 127.0.0.1: missing port in address",
    );
    await refused("POST", "/proxies/a", { listen: "bad" }, 500, "address bad: missing port in address");
  } finally {
    blocker.close();
  }
});

test("populate validates every item before creating any", async () => {
  const before = await state();
  const res = await call(tp, "POST", "/populate", [
    { name: "p1", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" },
    { listen: "127.0.0.1:0", upstream: "127.0.0.1:9" },
  ]);
  assert.equal(res.status, 400);
  assert.equal(res.text, '{"error":"missing required field: name at proxy 2","status":400,"proxies":null}');
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.equal(await state(), before);
});

test("populate stops at the first failure and reports what it made", async () => {
  const res = await call(tp, "POST", "/populate", [
    { name: "ok1", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" },
    { name: "bad2", listen: "local373", upstream: "127.0.0.1:9" },
    { name: "ok3", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" },
  ]);
  assert.equal(res.status, 500);
  assert.equal(res.json.error, "listen tcp: address local373: missing port in address");
  assert.deepEqual(
    res.json.proxies.map((p: { name: string }) => p.name),
    ["ok1"],
  );
  const names = Object.keys((await call(tp, "GET", "/proxies")).json);
  assert.ok(names.includes("ok1") && !names.includes("bad2") && !names.includes("ok3"));
  await call(tp, "DELETE", "/proxies/ok1");
});

test("routing: unknown paths 404, wrong methods 405, browsers 403", async () => {
  const notFound = await call(tp, "GET", "/proxies/");
  assert.equal(notFound.status, 404);
  assert.equal(notFound.text, "404 page not found\n");
  assert.equal((await call(tp, "DELETE", "/proxies")).status, 405);
  assert.equal((await call(tp, "HEAD", "/version")).status, 405);
  const browser = await fetch(`${tp.url}/version`, { headers: { "User-Agent": "Mozilla/5.0" } });
  assert.equal(browser.status, 403);
  assert.equal(await browser.text(), "User agent not allowed\n");
  const wget = await fetch(`${tp.url}/version`, { headers: { "User-Agent": "Wget/2.1" } });
  assert.equal(wget.status, 200);
  assert.match(wget.headers.get("x-toxiproxy-request-id") ?? "", /^[0-9a-v]{20}$/);
});
