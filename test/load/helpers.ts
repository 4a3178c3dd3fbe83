// A real HTTP server on 127.0.0.1 (ephemeral port) for the load tests: records arrival times, answers
// with the status and delay the test asks for.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface TestServer {
  url: string;
  /** performance.now() of each request's arrival. */
  arrivals: number[];
  /** Status and delay by path; default 200 after 0 ms. */
  route(path: string, r: { status?: number; delayMs?: number; body?: string }): void;
  /** Method, path and body of the latest request. */
  last: { method: string; url: string; body: string };
  /** While set, responses wait this long (a stall). */
  stallMs: number;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, { status?: number; delayMs?: number; body?: string }>();
  const state = { stallMs: 0 };
  const arrivals: number[] = [];
  const last = { method: "", url: "", body: "" };
  const server = http.createServer((req, res) => {
    arrivals.push(performance.now());
    const r = routes.get((req.url ?? "/").split("?")[0]) ?? {};
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      Object.assign(last, { method: req.method, url: req.url, body: Buffer.concat(chunks).toString() });
      const delay = (r.delayMs ?? 0) + state.stallMs;
      const reply = () => {
        res.writeHead(r.status ?? 200, { "content-type": "text/plain" });
        res.end(r.body ?? "hello world");
      };
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    last,
    route: (path, r) => routes.set(path, r),
    get stallMs() {
      return state.stallMs;
    },
    set stallMs(v: number) {
      state.stallMs = v;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
