// The API edge cases where a first pass differed from upstream Toxiproxy 2.12: each request is replayed over a
// raw socket and the status and body compared with upstream's answer, written out below (as upstream's net/http,
// gorilla/mux and encoding/json produce it). Where this server
// deliberately answers otherwise (413 for huge bodies), the test says so and checks the documented answer.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import type { ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";
import { startToxiproxy } from "../../sdk/toxiproxy/server.ts";
import { call, toxiproxy } from "./helpers.ts";

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `request` as bytes and reads one response (by Content-Length, or to the close). */
function raw(server: ToxiproxyServer, request: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port: server.port });
    const parts: Buffer[] = [];
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error("no complete response within 10 s"));
    }, 10_000);
    const parse = (final: boolean): boolean => {
      const all = Buffer.concat(parts).toString("utf8");
      const end = all.indexOf("\r\n\r\n");
      if (end < 0) return false;
      const [statusLine, ...lines] = all.slice(0, end).split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(":");
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      const body = all.slice(end + 4);
      const status = Number(statusLine.split(" ")[1]);
      const length = status === 204 ? "0" : headers["content-length"];
      if (length === undefined ? !final : Buffer.byteLength(body) < Number(length)) return false;
      clearTimeout(timer);
      s.destroy();
      resolve({ status, headers, body });
      return true;
    };
    s.on("data", (d: Buffer) => {
      parts.push(d);
      parse(false);
    });
    s.on("end", () => parse(true) || reject(new Error(`incomplete response: ${Buffer.concat(parts)}`)));
    s.on("error", (e) => parse(true) || reject(e));
    s.write(request);
  });
}

const post = (path: string, body: string): string =>
  `POST ${path} HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

const error = (message: string, status: number): string => `${JSON.stringify({ error: message, status })}\n`;

let tp: ToxiproxyServer;
before(async () => {
  tp = await toxiproxy();
  const r = await call(tp, "POST", "/proxies", { name: "p", listen: "127.0.0.1:0", upstream: "127.0.0.1:9" });
  assert.equal(r.status, 201);
  assert.equal((await call(tp, "POST", "/proxies/p/toxics", { name: "lat", type: "latency" })).status, 200);
});
after(() => tp.close());

test("1. a missing or empty listen binds every interface on a random port, as upstream ([::]:<port>)", async () => {
  for (const [name, body] of [
    ["nolisten", '{"name":"nolisten","upstream":"127.0.0.1:9"}'],
    ["emptylisten", '{"name":"emptylisten","listen":"","upstream":"127.0.0.1:9"}'],
  ]) {
    const r = await raw(tp, post("/proxies", body));
    assert.equal(r.status, 201, r.body);
    const port = /"listen":"\[::\]:(\d+)"/.exec(r.body)?.[1];
    assert.ok(port && Number(port) > 0, r.body);
    // upstream: {"name":"nolisten","listen":"[::]:<port>","upstream":"127.0.0.1:9","enabled":true,"Logger":{},"toxics":[]}
    assert.equal(
      r.body,
      `{"name":"${name}","listen":"[::]:${port}","upstream":"127.0.0.1:9","enabled":true,"Logger":{},"toxics":[]}`,
    );
  }
  // /populate replacing a proxy with listen left out: the same fresh bind.
  const r = await raw(tp, post("/populate", '[{"name":"nolisten","upstream":"127.0.0.1:10"}]'));
  assert.equal(r.status, 201, r.body);
  assert.match(
    r.body,
    /^\{"proxies":\[\{"name":"nolisten","listen":"\[::\]:\d+","upstream":"127.0.0.1:10","enabled":true,"Logger":\{\},"toxics":\[\]\}\]\}$/,
  );
  for (const name of ["nolisten", "emptylisten"])
    assert.equal((await call(tp, "DELETE", `/proxies/${name}`)).status, 204);
});

test("2. request headers up to 1 MiB are read: a 20,000-character proxy name can be fetched and deleted", async () => {
  const name = "n".repeat(20_000);
  const created = await raw(
    tp,
    post("/proxies", JSON.stringify({ name, listen: "127.0.0.1:0", upstream: "127.0.0.1:9" })),
  );
  assert.equal(created.status, 201);
  const got = await raw(tp, `GET /proxies/${name} HTTP/1.1\r\nHost: t\r\n\r\n`);
  assert.equal(got.status, 200);
  assert.ok(got.body.startsWith(`{"name":"${name}","listen":"127.0.0.1:`));
  const deleted = await raw(tp, `DELETE /proxies/${name} HTTP/1.1\r\nHost: t\r\n\r\n`);
  assert.equal(deleted.status, 204);
  // Over Go's limit (1 MiB plus 4096 bytes of slack): Go's own 431 text, then the connection closes.
  const huge = await raw(
    tp,
    `GET /version HTTP/1.1\r\nHost: t\r\nX-Big: ${"b".repeat((1 << 20) + 8192)}\r\n\r\n`,
  );
  assert.equal(huge.status, 431);
  assert.equal(huge.body, "431 Request Header Fields Too Large");
});

test("3. a toxicity that overflows float32 is refused as upstream (400), on create and on update", async () => {
  for (const literal of ["1e39", "1e400", "-3.5e38"]) {
    const r = await raw(
      tp,
      post("/proxies/p/toxics", `{"name":"big","type":"latency","toxicity":${literal}}`),
    );
    assert.equal(r.status, 400);
    assert.equal(
      r.body,
      error(
        `bad request body: json: cannot unmarshal number ${literal} into Go struct field ToxicWrapper.toxicity of type float32`,
        400,
      ),
    );
    const u = await raw(tp, post("/proxies/p/toxics/lat", `{"toxicity":${literal}}`));
    assert.equal(u.status, 400);
    assert.equal(
      u.body,
      error(
        `bad request body: json: cannot unmarshal number ${literal} into Go struct field .toxicity of type float32`,
        400,
      ),
    );
  }
  // The largest float32 is fine and printed as Go prints it.
  const ok = await raw(tp, post("/proxies/p/toxics/lat", '{"toxicity":3.4028234e38}'));
  assert.equal(ok.status, 200);
  assert.match(ok.body, /"toxicity":3\.4028235e\+38\}$/);
  assert.equal((await raw(tp, post("/proxies/p/toxics/lat", '{"toxicity":1}'))).status, 200);
});

test("4. integer attributes take the whole int64 range, printed exactly; beyond it the literal is named", async () => {
  const cases: [string, string, string][] = [
    ["latency", '{"latency":9223372036854775807}', '{"latency":9223372036854775807,"jitter":0}'],
    ["bandwidth", '{"rate":1000000000000000000}', '{"rate":1000000000000000000}'],
    ["limit_data", '{"bytes":-9223372036854775808}', '{"bytes":-9223372036854775808}'],
  ];
  for (const [type, attributes, echoed] of cases) {
    const r = await raw(
      tp,
      post("/proxies/p/toxics", `{"name":"i64","type":"${type}","attributes":${attributes}}`),
    );
    assert.equal(r.status, 200, r.body);
    assert.equal(
      r.body,
      `{"attributes":${echoed},"name":"i64","type":"${type}","stream":"downstream","toxicity":1}`,
    );
    assert.equal((await call(tp, "DELETE", "/proxies/p/toxics/i64")).status, 204);
  }
  const over = await raw(
    tp,
    post("/proxies/p/toxics", '{"name":"i64","type":"latency","attributes":{"latency":9223372036854775808}}'),
  );
  assert.equal(over.status, 400);
  assert.equal(
    over.body,
    error(
      "bad request body: json: cannot unmarshal number 9223372036854775808 into Go struct field LatencyToxic.attributes.latency of type int64",
      400,
    ),
  );
});

test("5. a body over 10 MiB gets the documented 413 (a deliberate limit; upstream has none), not a reset", async () => {
  const body = `{"name":"${"x".repeat(10 * 1024 * 1024)}","upstream":"127.0.0.1:9"}`;
  const r = await raw(tp, post("/proxies", body));
  assert.equal(r.status, 413);
  assert.equal(r.body, error("request body too large", 413));
});

test("6. routing: unclean paths 301, bad escapes 400, unknown methods 405 on known paths", async () => {
  const redirect = await raw(tp, "GET //proxies HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.location, "/proxies");
  assert.equal(redirect.body, "");
  const dotted = await raw(tp, "GET /proxies/p/../p/./toxics?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(dotted.status, 301);
  assert.equal(dotted.headers.location, "/proxies/p/toxics?x=1");

  const bad = await raw(tp, "GET /proxies/%zz HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(bad.status, 400);
  assert.equal(bad.body, "400 Bad Request");

  const foo = await raw(tp, "FOO /proxies HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(foo.status, 405);
  assert.equal(foo.body, "");
  const fooNowhere = await raw(tp, "FOO /nowhere HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(fooNowhere.status, 404);
  assert.equal(fooNowhere.body, "404 page not found\n");
  const connectMethod = await raw(tp, "CONNECT /proxies HTTP/1.1\r\nHost: t\r\n\r\n");
  assert.equal(connectMethod.status, 405);
  // The server still answers normally afterwards.
  assert.equal((await call(tp, "GET", "/proxies/p")).status, 200);
});

test("7. JSON errors name the struct Go names, and decoding follows Go", async () => {
  const cases: [string, string, number, string][] = [
    [
      "/proxies/p/toxics/lat",
      '{"toxicity":"x"}',
      400,
      error(
        "bad request body: json: cannot unmarshal string into Go struct field .toxicity of type float32",
        400,
      ),
    ],
    [
      "/populate",
      '[{"name":"q","upstream":"127.0.0.1:9","enabled":"yes"}]',
      400,
      '{"error":"bad request body: json: cannot unmarshal string into Go struct field .enabled of type bool","status":400,"proxies":null}',
    ],
    [
      "/proxies/p/toxics",
      '{"type":"latency","attributes":"x"}',
      400,
      error(
        "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic",
        400,
      ),
    ],
    [
      "/proxies/p/toxics/lat",
      '{"attributes":[1]}',
      400,
      error(
        "bad request body: json: cannot unmarshal array into Go struct field .attributes of type toxics.LatencyToxic",
        400,
      ),
    ],
    [
      "/proxies/p/toxics",
      '{"type":"latency","toxicity":1.}',
      400,
      error("bad request body: invalid character '}' after decimal point in numeric literal", 400),
    ],
    [
      "/proxies/p/toxics",
      '{"type":"latency","toxicity":1e}',
      400,
      error("bad request body: invalid character '}' in exponent of numeric literal", 400),
    ],
    [
      "/proxies",
      "[".repeat(10_001),
      400,
      error("bad request body: invalid character '[' exceeded max depth", 400),
    ],
    [
      "/proxies",
      `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
      400,
      error("bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy", 400),
    ],
    [
      "/proxies/p/toxics",
      '{"name":"dup","type":"latency","attributes":{"latency":1},"attributes":{"jitter":2}}',
      200,
      '{"attributes":{"latency":1,"jitter":2},"name":"dup","type":"latency","stream":"downstream","toxicity":1}',
    ],
    [
      "/proxies/p/toxics",
      '{"name":"neg","type":"latency","toxicity":-0}',
      200,
      '{"attributes":{"latency":0,"jitter":0},"name":"neg","type":"latency","stream":"downstream","toxicity":-0}',
    ],
    [
      "/proxies/p/toxics",
      '{"name":"a\\ud800b<&>","type":"noop"}',
      200,
      '{"attributes":{},"name":"a\ufffdb\\u003c\\u0026\\u003e","type":"noop","stream":"downstream","toxicity":1}',
    ],
  ];
  for (const [path, body, status, expected] of cases) {
    const r = await raw(tp, post(path, body));
    assert.equal(r.status, status, `${path} ${body.slice(0, 60)}: ${r.body}`);
    assert.equal(r.body, expected, `${path} ${body.slice(0, 60)}`);
  }
  for (const name of ["dup", "neg", encodeURIComponent("a\ufffdb<&>")])
    assert.equal((await call(tp, "DELETE", `/proxies/p/toxics/${name}`)).status, 204);
});

test("8. a handler that runs past the deadline (25 s upstream) answers 503 with Go's TimeoutHandler body", async () => {
  const slow = await startToxiproxy({ host: "127.0.0.1", port: 0, handlerTimeoutMs: 300 });
  try {
    // The body never completes, so the handler is still reading it at the deadline.
    const r = await raw(slow, "POST /proxies HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n{");
    assert.equal(r.status, 503);
    assert.equal(r.body, "<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>");
    assert.ok(r.headers["x-toxiproxy-request-id"], "the request id is set before the timeout wrapper");
    assert.equal((await call(slow, "GET", "/version")).status, 200, "later requests are served");
  } finally {
    await slow.close();
  }
});
