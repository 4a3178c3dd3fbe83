// The floor under the demo's CPU per request: three bare Node HTTP hops with the demo's wire pattern and none of
// its logic (no admission, timeouts, retries, health checks, logs or counters). `bench/demo-cpu.ts --vs
// bare-relay` runs it in place of the demo. Roles, each a process of its own:
//   node bench/bare-relay.cjs worker PORT              SSE: the first token alone after one token delay, then the
//                                                      rest in groups of three every 60 ms (the demo's default
//                                                      20 ms delay and 60 ms interval: 6 writes for 16 tokens);
//                                                      `stream: false`: the first token, then the rest with the end
//   node bench/bare-relay.cjs hive PORT W1,W2,...      relays to the workers in turn, on a keep-alive pool
//   node bench/bare-relay.cjs queen PORT HIVE_PORT     relays to the hive on a fresh connection per request
//   node bench/bare-relay.cjs pipe PORT U1,U2,...       a TCP pipe, each connection to the next upstream in turn
//   node bench/bare-relay.cjs splice PORT U1,U2,...     per request, to the next upstream in turn: request and answer
//                                                      copied as bytes, no HTTP stack (the cheapest routing relay)
//   node bench/bare-relay.cjs undici-hive PORT W1,...  the hive's relay on undici's dispatcher, not node:http's
// Prints "listening PORT" once it listens (PORT 0: any free port).
const http = require("node:http");

const [role, portArg, upstreamArg] = process.argv.slice(2);
const TOKEN_MS = 20;
const GROUP = 3;
const token = (i) => `data: {"token":"t${i}"}\n\n`;
const DONE = "event: done\ndata: {}\n\n";

function readBody(req, then) {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (c) => {
    body += c;
  });
  req.on("end", () => then(body));
}

function worker(req, res) {
  readBody(req, (body) => {
    const { max_tokens: n = 16, stream = true } = JSON.parse(body);
    res.writeHead(200, { "content-type": "text/event-stream" });
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i === 0) {
        res.write(token(i++));
        if (i < n) return setTimeout(next, stream ? GROUP * TOKEN_MS : (n - 1) * TOKEN_MS);
      }
      let chunk = "";
      const upTo = stream ? Math.min(n, i + GROUP) : n;
      while (i < upTo) chunk += token(i++);
      if (i < n) {
        res.write(chunk);
        setTimeout(next, GROUP * TOKEN_MS);
      } else res.end(chunk + DONE);
    };
    setTimeout(next, TOKEN_MS);
  });
}

function relay(agent, target) {
  return (req, res) => {
    readBody(req, (body) => {
      const up = http.request(
        `http://127.0.0.1:${target()}/v1/infer`,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (upRes) => {
          res.writeHead(upRes.statusCode, { "content-type": "text/event-stream" });
          upRes.on("data", (c) => res.write(c));
          upRes.on("end", () => res.end());
        },
      );
      up.on("error", () => res.destroy());
      up.end(body);
    });
  };
}

/** A TCP pipe: each connection to the next upstream in turn, no HTTP at all; the least a relay can cost. */
function pipeServer() {
  const net = require("node:net");
  const ports = upstreamArg.split(",").map(Number);
  let turn = 0;
  return net.createServer((down) => {
    const up = net.connect(ports[turn++ % ports.length], "127.0.0.1");
    down.pipe(up);
    up.pipe(down);
    const close = () => {
      down.destroy();
      up.destroy();
    };
    for (const s of [down, up]) {
      s.on("error", close);
      s.on("close", close);
    }
  });
}

/**
 * The cheapest relay that still routes each request: it reads the request's head and body as bytes (no HTTP
 * stack), sends them on a pooled connection to the next upstream in turn, and copies the answer back byte for
 * byte until the chunked body's last chunk. What the queen and the hive would cost if they spliced.
 */
function spliceServer() {
  const net = require("node:net");
  const ports = upstreamArg.split(",").map(Number);
  const idle = new Map(ports.map((p) => [p, []]));
  let turn = 0;
  const END = Buffer.from("0\r\n\r\n");
  return net.createServer((down) => {
    let pending = Buffer.alloc(0);
    let busy = false;
    const next = () => {
      if (busy) return;
      const headEnd = pending.indexOf("\r\n\r\n");
      if (headEnd < 0) return;
      const length = Number(
        /content-length:\s*(\d+)/i.exec(pending.toString("latin1", 0, headEnd))?.[1] ?? 0,
      );
      const total = headEnd + 4 + length;
      if (pending.length < total) return;
      const ask = pending.subarray(0, total);
      pending = pending.subarray(total);
      busy = true;
      const port = ports[turn++ % ports.length];
      let up = idle.get(port).pop();
      while (up?.destroyed) up = idle.get(port).pop();
      up ??= net.connect(port, "127.0.0.1");
      let tail = Buffer.alloc(0);
      const onData = (c) => {
        down.write(c);
        tail = Buffer.concat([tail, c]).subarray(-END.length);
        if (!tail.equals(END)) return;
        up.off("data", onData);
        idle.get(port).push(up);
        busy = false;
        next();
      };
      up.on("data", onData);
      if (!up.listenerCount("error")) up.on("error", () => up.destroy());
      up.write(ask);
    };
    down.on("data", (c) => {
      pending = pending.length === 0 ? c : Buffer.concat([pending, c]);
      next();
    });
    down.on("error", () => down.destroy());
  });
}

/** The hive's relay with undici's dispatcher in place of node:http's client. */
function undiciHive() {
  const { Pool } = require("undici");
  const pools = upstreamArg.split(",").map((p) => new Pool(`http://127.0.0.1:${p}`, { connections: 256 }));
  let turn = 0;
  return (req, res) => {
    readBody(req, (body) => {
      pools[turn++ % pools.length].dispatch(
        { path: "/v1/infer", method: "POST", headers: { "content-type": "application/json" }, body },
        {
          onConnect() {},
          onHeaders(status) {
            res.writeHead(status, { "content-type": "text/event-stream" });
            return true;
          },
          onData(c) {
            res.write(c);
            return true;
          },
          onComplete() {
            res.end();
          },
          onError() {
            res.destroy();
          },
        },
      );
    });
  };
}

const handlers = {
  worker: () => worker,
  hive: () => {
    const ports = upstreamArg.split(",");
    let turn = 0;
    const pool = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
    return relay(pool, () => ports[turn++ % ports.length]);
  },
  queen: () => relay(new http.Agent({ keepAlive: false }), () => upstreamArg),
  "undici-hive": undiciHive,
};
const rawServers = { pipe: pipeServer, splice: spliceServer };
if (
  (!handlers[role] && !rawServers[role]) ||
  !/^\d+$/.test(portArg ?? "") ||
  (role !== "worker" && !upstreamArg)
) {
  console.error(
    "usage: node bench/bare-relay.cjs worker PORT | hive|undici-hive|pipe|splice PORT U1,U2,... | queen PORT HIVE_PORT",
  );
  process.exit(2);
}
const server = rawServers[role] ? rawServers[role]() : http.createServer(handlers[role]());
server.keepAliveTimeout = 65_000;
server.listen(Number(portArg), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
process.on("SIGTERM", () => process.exit(0));
// Started by bench/bare-systems.ts: go when the benchmark goes, however it ended (its end of stdin closes).
if (process.env.BARE_EXIT_WITH_PARENT === "1") {
  process.stdin.on("end", () => process.exit(0));
  process.stdin.resume();
}
