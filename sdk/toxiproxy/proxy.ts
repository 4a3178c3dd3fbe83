// A named TCP listener forwarding to an upstream host:port through the proxy's toxics.
import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { isLoopbackHost } from "../core/loopback.ts";
import { formatAddress, resolveHost, splitHostPort } from "./address.ts";
import { ApiError } from "./api-error.ts";
import type { CollectionOptions } from "./collection.ts";
import { Connection } from "./connection.ts";
import { type LogFields, silentLogger } from "./log.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";
import { ToxicSet } from "./toxic-set.ts";

const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: "bind: address already in use",
  EADDRNOTAVAIL: "bind: cannot assign requested address",
  EACCES: "bind: permission denied",
  EINVAL: "bind: invalid argument",
};

/** Errors of proxied sockets end in their close, which the connection handles. */
const ignore = (): void => {};

export class TcpProxy {
  enabled = false;
  readonly toxics: ToxicSet;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private readonly dialing = new Set<Socket>();
  private readonly logContext: LogFields;

  constructor(
    readonly name: string,
    public listen: string,
    public upstream: string,
    private readonly options: CollectionOptions,
  ) {
    // Upstream's proxy logger carries the name, listen and upstream the proxy was created with.
    this.logContext = { name, listen, upstream };
    this.toxics = new ToxicSet({
      added: (t) => this.eachLink(t, (link) => link.addToxic(t)),
      updated: (t) => this.eachLink(t, (link) => link.updateToxic(t)),
      removed: (t) => this.eachLink(t, (link) => link.removeToxic(t.name)),
    });
  }

  /** Binds `listen` and reports the bound address in it (127.0.0.1:0 becomes 127.0.0.1:<port>). */
  async start(): Promise<void> {
    if (this.enabled) return;
    let host: string;
    let port: number;
    try {
      ({ host, port } = splitHostPort(this.listen));
      host = await resolveHost(host);
    } catch (error) {
      throw new ApiError(500, `listen tcp: ${(error as Error).message}`);
    }
    const server = createServer({ pauseOnConnect: true, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        const why = BIND_ERRORS[error.code ?? ""] ?? `bind: ${error.message}`;
        reject(new ApiError(500, `listen tcp ${formatAddress(host, port)}: ${why}`));
      });
      server.listen({ host: host === "" ? undefined : host, port, exclusive: true }, resolve);
    });
    server.on("error", () => {});
    server.on("connection", this.accept);
    const bound = server.address() as AddressInfo;
    this.listen = formatAddress(bound.address, bound.port);
    this.server = server;
    this.enabled = true;
    this.log("info", {}, "Started proxy");
  }

  private log(level: "info" | "error", fields: LogFields, message: string): void {
    const logger = this.options.logger ?? silentLogger;
    if (logger.enabled(level)) logger.log(level, { ...this.logContext, ...fields }, message);
  }

  /** Closes the listener and every connection; toxics are kept. */
  stop(): void {
    if (this.enabled) this.log("info", {}, "Terminated proxy");
    this.enabled = false;
    this.server?.close();
    this.server = undefined;
    for (const socket of this.dialing) socket.destroy();
    this.dialing.clear();
    for (const c of [...this.connections]) c.destroy();
    this.connections.clear();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private eachLink(t: ToxicDefinition, apply: (link: Connection["up"]) => void): void {
    for (const c of this.connections) apply(c.link(t.direction));
  }

  private readonly forget = (connection: Connection): void => {
    this.connections.delete(connection);
  };

  private readonly accept = (client: Socket): void => {
    client.on("error", ignore);
    let target: { host: string; port: number };
    try {
      target = splitHostPort(this.upstream);
    } catch {
      client.destroy();
      return;
    }
    // The API refuses such upstreams already; this guards an upstream that changed under a live listener.
    if (!this.options.allowNonLoopback && target.host !== "" && !isLoopbackHost(target.host)) {
      client.destroy();
      return;
    }
    // Deviation from upstream: dials run concurrently, so a blackholed upstream does not stall other clients.
    const upstream = connect({ host: target.host || "localhost", port: target.port, noDelay: true });
    upstream.pause();
    this.dialing.add(upstream);
    this.dialing.add(client);
    const logger = this.options.logger ?? silentLogger;
    const clientAddress = (): string => formatAddress(client.remoteAddress ?? "", client.remotePort ?? 0);
    if (logger.enabled("info")) this.log("info", { client: clientAddress() }, "Accepted client");
    const dialError = (error: Error): void => {
      if (this.dialing.has(upstream) && logger.enabled("error"))
        this.log(
          "error",
          { error: error.message, client: clientAddress() },
          "Unable to open connection to upstream",
        );
    };
    upstream.on("error", dialError);
    const failed = (): void => {
      this.dialing.delete(upstream);
      this.dialing.delete(client);
      client.destroy();
    };
    upstream.once("close", failed);
    upstream.once("connect", () => {
      // Swapped for listeners that hold nothing: these closures would keep this dial's scope alive per connection.
      upstream.off("close", failed);
      upstream.off("error", dialError);
      upstream.on("error", ignore);
      this.dialing.delete(upstream);
      this.dialing.delete(client);
      if (!this.enabled || client.destroyed) {
        upstream.destroy();
        client.destroy();
        return;
      }
      const sink = this.options.metrics;
      const metrics = sink && {
        sink,
        labels: { proxy: this.name, listener: this.listen, upstream: this.upstream },
      };
      const c = new Connection(client, upstream, this.toxics.list(), this.forget, metrics);
      this.connections.add(c);
    });
  };
}
