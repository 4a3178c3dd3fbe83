// startToxiproxy: the API server, its proxies and their lifecycle.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { PrerequisiteError, ValidationError } from "../core/errors.ts";
import { formatAddress } from "./address.ts";
import { apiHandler } from "./api.ts";
import { ProxyCollection } from "./collection.ts";
import { silentLogger, type ToxiproxyLogger } from "./log.ts";
import { MetricsRegistry } from "./metrics.ts";
import { parsePopulateBody } from "./requests.ts";
import { builtinRegistry } from "./toxics/builtin.ts";
import type { ToxicRegistry } from "./toxics/registry.ts";

/** What /version reports: upstream's last release, as a release build prints it (a source build says "git"). */
export const TOXIPROXY_VERSION = "2.12.0";

export interface ToxiproxyOptions {
  /** API host; default "localhost", as upstream. */
  host?: string;
  /** API port; default 8474, as upstream. 0 picks a free port. */
  port?: number;
  /** Allow proxies whose upstream is outside 127.0.0.0/8, ::1 and localhost. Default false. */
  allowNonLoopback?: boolean;
  /** A JSON file in /populate's format, loaded before the API answers. */
  config?: string;
  /** The version string /version reports. */
  version?: string;
  /** The toxic kinds the API accepts; default builtinRegistry() (Toxiproxy 2.12's toxics). */
  registry?: ToxicRegistry;
  /** Upstream's -proxy-metrics: byte counters per proxy and direction on GET /metrics. Default false. */
  proxyMetrics?: boolean;
  /** Upstream's -runtime-metrics: process_* metrics on GET /metrics. Default false. */
  runtimeMetrics?: boolean;
  /** Where upstream's JSON log lines go (see jsonLogger); default: nowhere. */
  logger?: ToxiproxyLogger;
  /** How long a handler may take before the client gets 503; default upstream's 25 s. */
  handlerTimeoutMs?: number;
}

/** Go's http.DefaultMaxHeaderBytes (1 MiB) plus the 4096 bytes of slack its reader allows. */
const MAX_HEADER_BYTES = (1 << 20) + 4096;

/** What Go's server writes, then closes, for a request it cannot parse. */
const goRawError = (status: string): string =>
  `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n${status}`;

export interface ToxiproxyServer {
  /** The API's base URL, e.g. "http://127.0.0.1:8474". */
  url: string;
  /** The address the API is bound to. */
  host: string;
  port: number;
  /** Stops the API, every proxy and every connection. */
  close(): Promise<void>;
}

export async function startToxiproxy(options: ToxiproxyOptions = {}): Promise<ToxiproxyServer> {
  const problems = [];
  const port = options.port ?? 8474;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({
      path: "port",
      message: `expected an integer from 0 to 65535, found ${String(options.port)}`,
    });
  }
  if (options.host !== undefined && (typeof options.host !== "string" || options.host === "")) {
    problems.push({ path: "host", message: "expected a non-empty host name or address" });
  }
  if (problems.length > 0) throw new ValidationError("toxiproxy options", problems);

  const logger = options.logger ?? silentLogger;
  const metrics = new MetricsRegistry({
    proxy: options.proxyMetrics ?? false,
    runtime: options.runtimeMetrics ?? false,
  });
  const proxies = new ProxyCollection({
    allowNonLoopback: options.allowNonLoopback ?? false,
    logger,
    metrics: metrics.options.proxy ? metrics : undefined,
  });
  if (options.config !== undefined) await loadConfig(proxies, options.config);
  if (options.config !== undefined) {
    logger.log("info", { proxies: proxies.list().length }, "Populated proxies from file");
  }

  const sockets = new Set<Socket>();
  const api = apiHandler({
    proxies,
    registry: options.registry ?? builtinRegistry(),
    version: options.version ?? TOXIPROXY_VERSION,
    metrics,
    logger,
    handlerTimeoutMs: options.handlerTimeoutMs,
  });
  const server: Server = createServer(
    { requestTimeout: 15_000, keepAliveTimeout: 60_000, maxHeaderSize: MAX_HEADER_BYTES },
    api.onRequest,
  );
  // Requests node:http's parser refuses: Go's answers (431 over 1 MiB of headers; methods llhttp does not know,
  // such as FOO, routed as Go would, so 405 on a known path), then close.
  server.on("clientError", (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (!socket.writable || error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT") {
      socket.destroy();
      return;
    }
    if (error.code === "HPE_HEADER_OVERFLOW") {
      socket.end(goRawError("431 Request Header Fields Too Large"));
      return;
    }
    const line = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.[01]\r?\n/.exec(
      error.rawPacket?.toString("latin1") ?? "",
    );
    if (error.code === "HPE_INVALID_METHOD" && line) {
      api.answerRaw(line[1], line[2]).then((raw) => socket.end(raw));
      return;
    }
    socket.end(goRawError("400 Bad Request"));
  });
  server.on("connect", (req: { method?: string; url?: string }, socket: Duplex) => {
    socket.on("error", () => {});
    api.answerRaw(req.method ?? "CONNECT", req.url ?? "").then((raw) => socket.end(raw));
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: options.host ?? "localhost", port }, resolve);
    });
  } catch (error) {
    proxies.closeAll();
    const where = `${options.host ?? "localhost"}:${port}`;
    throw new PrerequisiteError(`the Toxiproxy API cannot listen on ${where}`, {
      found: (error as Error).message,
      hint: "pick another port (0 picks a free one) or stop whatever holds this one",
    });
  }
  const address = server.address() as AddressInfo;
  const hostPort = formatAddress(address.address, address.port);
  logger.log(
    "info",
    { address: formatAddress(options.host ?? "localhost", port) },
    "Starting Toxiproxy HTTP server",
  );
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostPort}`,
    host: address.address,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        proxies.closeAll();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}

/** -config: populate semantics; unlike upstream (which only logs), a bad file is an error and starts nothing. */
async function loadConfig(proxies: ProxyCollection, path: string): Promise<void> {
  const input = `toxiproxy config ${path}`;
  let text: string;
  try {
    // Read once at start-up; node:fs/promises would cost the standalone server 0.5 MB resident for this line.
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ValidationError(input, [{ path: "", message: `cannot read it: ${(error as Error).message}` }]);
  }
  let items: ReturnType<typeof parsePopulateBody>;
  try {
    items = parsePopulateBody(text);
  } catch (error) {
    throw new ValidationError(input, [{ path: "", message: (error as Error).message }]);
  }
  const result = await proxies.populate(items);
  if (result.error) {
    proxies.closeAll();
    throw new ValidationError(input, [{ path: "", message: result.error.wireMessage }]);
  }
}
