// Shared test plumbing: loopback servers on ephemeral ports, a raw API client, and socket readers with timeouts.
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { startToxiproxy, type ToxiproxyServer } from "../../sdk/toxiproxy/index.ts";

export interface TcpServer {
  port: number;
  address: string;
  sockets: Set<Socket>;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1:0 running `onSocket` for each connection; close() destroys every socket. */
export async function tcpServer(onSocket: (s: Socket) => void): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    onSocket(s);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    address: `127.0.0.1:${port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export const echoServer = (): Promise<TcpServer> => tcpServer((s) => s.pipe(s));

export async function toxiproxy(options: { allowNonLoopback?: boolean; version?: string } = {}) {
  return startToxiproxy({ host: "127.0.0.1", port: 0, ...options });
}

export interface ApiReply {
  status: number;
  text: string;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of any shape
  json: any;
}

/** One API call; a body that is not a string is sent as JSON. */
export async function call(
  server: ToxiproxyServer,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiReply> {
  const res = await fetch(server.url + path, {
    method,
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, headers: res.headers, json };
}

/** Creates a proxy on 127.0.0.1:0 to `upstream` and returns its port. */
export async function proxyTo(server: ToxiproxyServer, name: string, upstream: string): Promise<number> {
  const r = await call(server, "POST", "/proxies", { name, listen: "127.0.0.1:0", upstream });
  if (r.status !== 201) throw new Error(`create proxy ${name}: ${r.status} ${r.text}`);
  return Number(r.json.listen.split(":").at(-1));
}

export async function addToxic(server: ToxiproxyServer, proxy: string, toxic: unknown): Promise<void> {
  const r = await call(server, "POST", `/proxies/${proxy}/toxics`, toxic);
  if (r.status !== 200) throw new Error(`add toxic: ${r.status} ${r.text}`);
}

export function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: "127.0.0.1", noDelay: true });
    s.once("connect", () => {
      s.off("error", reject);
      resolve(s);
    });
    s.once("error", reject);
  });
}

/** Resolves with exactly `n` bytes (leaving the socket paused), or rejects after `timeoutMs`. */
export function readBytes(s: Socket, n: number, timeoutMs = 5000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let have = 0;
    const done = (error?: Error) => {
      clearTimeout(timer);
      s.off("data", onData);
      s.off("close", onClose);
      s.pause();
      if (error) reject(error);
    };
    const onData = (d: Buffer) => {
      parts.push(d);
      have += d.length;
      if (have >= n) {
        const all = Buffer.concat(parts);
        if (all.length > n) s.unshift(all.subarray(n));
        done();
        resolve(all.subarray(0, n));
      }
    };
    const onClose = () => done(new Error(`socket closed after ${have} of ${n} bytes`));
    const timer = setTimeout(() => done(new Error(`timed out after ${have} of ${n} bytes`)), timeoutMs);
    s.on("data", onData);
    s.on("close", onClose);
    s.resume();
  });
}

export interface Ending {
  data: Buffer;
  /** "end" (FIN), "reset" (ECONNRESET), "error" (other) or "timeout" (still open). */
  how: "end" | "reset" | "error" | "timeout";
  chunks: number;
  ms: number;
}

/** Reads until the socket ends, errors or `timeoutMs` passes; counts the reads. */
export function readToEnd(s: Socket, timeoutMs = 5000): Promise<Ending> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let settled = false;
    const finish = (how: Ending["how"]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ data: Buffer.concat(parts), how, chunks: parts.length, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    s.on("data", (d: Buffer) => parts.push(d));
    s.on("end", () => finish("end"));
    s.on("error", (e: NodeJS.ErrnoException) => finish(e.code === "ECONNRESET" ? "reset" : "error"));
    s.on("close", () => finish("end"));
    if (s.closed) finish("end");
    s.resume();
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Rig {
  tp: ToxiproxyServer;
  upstream: TcpServer;
  /** The proxy "p"'s port. */
  port: number;
  close(): Promise<void>;
}

/** A toxiproxy with one proxy "p" in front of `upstream` (an echo server by default). */
export async function rig(upstream?: TcpServer): Promise<Rig> {
  const up = upstream ?? (await echoServer());
  const tp = await toxiproxy();
  const port = await proxyTo(tp, "p", up.address);
  return {
    tp,
    upstream: up,
    port,
    close: async () => {
      await tp.close();
      await up.close();
    },
  };
}

/** An upstream that records when it had received `expect` bytes, then echoes them back in one write. */
export async function timedEcho(expect: number) {
  const times: number[] = [];
  const server = await tcpServer((s) => {
    const parts: Buffer[] = [];
    let have = 0;
    s.on("data", (d: Buffer) => {
      parts.push(d);
      have += d.length;
      if (have === expect) {
        times.push(performance.now());
        s.write(Buffer.concat(parts));
      }
    });
  });
  return { server, times };
}

export function assertNear(actual: number, expected: number, delta: number, what: string): void {
  if (Math.abs(actual - expected) > delta) {
    throw new Error(`${what}: ${actual.toFixed(1)} ms is not within ${expected} ± ${delta} ms`);
  }
}

/**
 * Runs a timing check up to `attempts` times and passes on the first success. The machine is shared and has two
 * cores: scheduling noise only ever adds delay, so a check that fails every time is a real failure.
 */
export async function timing(attempts: number, check: () => Promise<void>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      await check();
      return;
    } catch (error) {
      last = error;
    }
  }
  throw last;
}

/** `promise`, or a rejection after `ms`; the timer is cleared either way, so nothing lingers. */
export async function within<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
