// The streaming benchmark's server, in a process of its own: SSE streams of `tokens` tokens, one every `gap`
// ms from a shared clock (one timer for every stream, as an inference server batches them), and /first?ms=D
// whose first token comes exactly D ms after the request (its own timer), for the TTFT accuracy row.
const http = require("node:http");
const live = new Set();
const GAP = 20;
setInterval(() => {
  for (const s of live) {
    if (s.res.destroyed) {
      live.delete(s);
      continue;
    }
    if (s.i === s.n) {
      s.res.end("event: done\ndata: {}\n\n");
      live.delete(s);
      continue;
    }
    s.res.write(`data: {"token":"t${s.i}"}\n\n`);
    s.i++;
  }
}, GAP);
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    const u = new URL(req.url, "http://x");
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (u.pathname === "/first") {
      const ms = Number(u.searchParams.get("ms"));
      setTimeout(() => res.end('data: {"token":"t0"}\n\nevent: done\ndata: {}\n\n'), ms);
      return;
    }
    res.flushHeaders();
    live.add({ res, i: 0, n: Number(u.searchParams.get("tokens") ?? 16) });
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));
