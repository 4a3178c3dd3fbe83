// startToxiproxy: the API server, its proxies and their lifecycle.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { PrerequisiteError, ValidationError } from "../core/errors.ts";
import { formatAddress } from "./address.ts";
import { apiHandler } from "./api.ts";
import { ProxyCollection } from "./collection.ts";
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
}

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

  const proxies = new ProxyCollection({ allowNonLoopback: options.allowNonLoopback ?? false });
  if (options.config !== undefined) await loadConfig(proxies, options.config);

  const sockets = new Set<Socket>();
  const server: Server = createServer(
    { requestTimeout: 15_000, keepAliveTimeout: 60_000 },
    apiHandler({
      proxies,
      registry: options.registry ?? builtinRegistry(),
      version: options.version ?? TOXIPROXY_VERSION,
    }),
  );
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
    text = await readFile(path, "utf8");
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
