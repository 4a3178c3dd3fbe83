// A real token-streaming HTTP server on 127.0.0.1 (ephemeral port) for the streaming tests. The query says
// how each response streams: /sse, /ndjson or /chunked, with
//   tokens=N (default 4)  first=ms before the first token (default 0)  gap=ms between tokens (default 0)
//   stall=K   stop after K tokens, keep the connection open and silent
//   reset=K   destroy the socket after K tokens
//   nodone=1  end the body after the tokens without the done unit
//   error=K   send an error unit after K tokens, then end
//   status=S  answer S with a plain body instead of a stream
//   hang=1    after the done unit, keep the response open (never end it)
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface StreamServer {
  url: string;
  /** Streams still open (stalled ones included). */
  open(): number;
  close(): Promise<void>;
}

export async function startStreamServer(): Promise<StreamServer> {
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? "/", "http://x");
    const q = (k: string, d: number) => (u.searchParams.has(k) ? Number(u.searchParams.get(k)) : d);
    const kind = u.pathname.slice(1);
    req.resume();
    req.on("end", () => {
      const status = q("status", 200);
      if (status !== 200) {
        res.writeHead(status, { "content-type": "text/plain" });
        res.end("no");
        return;
      }
      const tokens = q("tokens", 4);
      const stall = q("stall", -1);
      const reset = q("reset", -1);
      const error = q("error", -1);
      const nodone = q("nodone", 0) === 1;
      const gap = q("gap", 0);
      const type =
        kind === "sse" ? "text/event-stream" : kind === "ndjson" ? "application/x-ndjson" : "text/plain";
      res.writeHead(200, { "content-type": type });
      res.flushHeaders();
      open.add(res);
      res.on("close", () => open.delete(res));
      const unit = (i: number) =>
        kind === "sse"
          ? `data: {"token":"t${i}","index":${i}}\n\n`
          : kind === "ndjson"
            ? `{"token":"t${i}","done":false}\n`
            : `t${i} `;
      const done =
        kind === "sse" ? 'event: done\ndata: {"ok":true}\n\n' : kind === "ndjson" ? '{"done":true}\n' : "";
      let i = 0;
      const step = () => {
        if (res.destroyed) return;
        if (i === stall) return;
        if (i === reset) return res.socket?.destroy();
        if (i === error) return res.end(kind === "sse" ? 'event: error\ndata: {"reason":"boom"}\n\n' : "");
        if (i === tokens) return q("hang", 0) === 1 ? res.write(done) : res.end(nodone ? "" : done);
        res.write(unit(i++));
        setTimeout(step, gap);
      };
      setTimeout(step, q("first", 0));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
