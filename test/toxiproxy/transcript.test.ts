// Raw HTTP against the 66 recorded request/response pairs of upstream Toxiproxy (reference transcript): status,
// headers that matter, and the body byte for byte (hence key order), with ports normalised.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";
import { toxiproxy } from "./helpers.ts";

// A copy of the reference transcript (recorded from upstream at HEAD f48fd7f), kept beside the test.
const TRANSCRIPT = fileURLToPath(new URL("./fixtures/toxiproxy-transcript.md", import.meta.url));
const RECORDED_API_PORT = "18474";

interface Entry {
  n: number;
  title: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

function parseTranscript(text: string): Entry[] {
  const sections = text.split(/^## (?=\d+\. )/m).slice(1);
  return sections.map((section) => {
    const [, n, title] = /^(\d+)\. (.*)$/m.exec(section)!;
    const req = /```http\n([\s\S]*?)\n```/.exec(section)![1];
    const [head, ...rest] = req.split("\n\n");
    const [requestLine, ...headerLines] = head.split("\n");
    const [method, path] = requestLine.split(" ");
    const headers = Object.fromEntries(headerLines.map((l) => l.split(": ", 2) as [string, string]));
    const body = rest.length > 0 ? rest.join("\n\n").replace(/\n$/, "") : undefined;
    const status = Number(/^Status: \*\*(\d+)/m.exec(section)![1]);
    const respHead = /Response headers:\n\n```\n([\s\S]*?)\n```/.exec(section)![1];
    const responseHeaders = Object.fromEntries(
      respHead.split("\n").map((l) => l.split(": ", 2) as [string, string]),
    );
    const bodyMatch =
      /Response body \((\d+) bytes, (ends with a newline|no trailing newline)\):\n\n(?:```\n([\s\S]*?)\n```|\(empty\))/.exec(
        section,
      )!;
    const responseBody = (bodyMatch[3] ?? "") + (bodyMatch[2] === "ends with a newline" ? "\n" : "");
    assert.equal(
      Buffer.byteLength(responseBody),
      Number(bodyMatch[1]),
      `entry ${n}: body length as recorded`,
    );
    return { n: Number(n), title, method, path, headers, body, status, responseHeaders, responseBody };
  });
}

/** Replaces every ephemeral port by its order of first appearance, so both sides compare equal. */
function normaliser(): (s: string) => string {
  const seen = new Map<string, number>();
  return (s) =>
    s.replace(/127\.0\.0\.1:(\d+)/g, (all, port: string) => {
      if (port === "0" || port === "18080") return all;
      if (!seen.has(port)) seen.set(port, seen.size + 1);
      return `127.0.0.1:<port${seen.get(port)}>`;
    });
}

// Documented deviation: slicer with average_size 0 is refused (upstream crashes on the first byte through it).
const SLICER_DEFAULTS =
  '{"attributes":{"average_size":0,"size_variation":0,"delay":0},"name":"d_slicer","type":"slicer","stream":"upstream","toxicity":1},';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(server: ToxiproxyServer, e: Entry, body: string | undefined): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: server.host,
        port: server.port,
        method: e.method,
        path: e.path,
        headers: e.headers,
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (d: Buffer) => parts.push(d));
        res.on("end", () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts).toString() }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

const entries = parseTranscript(readFileSync(TRANSCRIPT, "utf8"));
let server: ToxiproxyServer;

before(async () => {
  server = await toxiproxy({ version: "git" }); // the transcript was recorded from a source build
});
after(() => server.close());

test("the transcript holds 66 entries", () => {
  assert.equal(entries.length, 66);
  assert.deepEqual(
    entries.map((e) => e.n),
    entries.map((_, i) => i + 1),
  );
});

test("every transcript entry, in order", async (t) => {
  const expectedSide = normaliser();
  const actualSide = normaliser();
  for (const e of entries) {
    await t.test(`${e.n}. ${e.title}`, async () => {
      const apiPort = String(server.port);
      const body = e.body?.replaceAll(`:${RECORDED_API_PORT}`, `:${apiPort}`);
      const reply = await send(server, e, body);
      if (e.n === 20) {
        assert.equal(reply.status, 400, "deviation: slicer with average_size 0 is refused");
        assert.match(JSON.parse(reply.body).error, /average_size must be greater than 0/);
        return;
      }
      assert.equal(reply.status, e.status, reply.body);
      const expected = expectedSide(
        e.responseBody.replaceAll(SLICER_DEFAULTS, "").replaceAll(`:${RECORDED_API_PORT}`, ":<api>"),
      );
      const actual = actualSide(reply.body.replaceAll(`:${apiPort}`, ":<api>"));
      assert.equal(actual, expected);
      for (const name of ["Content-Type", "X-Content-Type-Options"]) {
        assert.equal(reply.headers[name.toLowerCase()], e.responseHeaders[name], name);
      }
      const id = reply.headers["x-toxiproxy-request-id"];
      if ("X-Toxiproxy-Request-Id" in e.responseHeaders) assert.match(String(id), /^[0-9a-v]{20}$/);
      else assert.equal(id, undefined, "no request id on unmatched routes");
      const length = e.responseHeaders["Content-Length"];
      if (length !== undefined && !(e.n === 24 || e.n === 26 || e.n === 41)) {
        assert.equal(
          reply.headers["content-length"],
          length.replace(/^\d+$/, String(Buffer.byteLength(reply.body))),
        );
        assert.equal(Number(reply.headers["content-length"]), Buffer.byteLength(reply.body));
      }
      if (e.status === 204) {
        assert.equal(reply.headers["content-type"], undefined);
        assert.equal(reply.headers["content-length"], undefined);
      }
    });
  }
});
