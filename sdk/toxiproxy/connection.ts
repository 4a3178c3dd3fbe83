import type { Socket } from "node:net";
import { Link, type LinkHooks } from "./link.ts";
import type { LinkLabels, LinkMetrics } from "./metrics.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";

const FLUSH_GRACE_MS = 30_000;

// Every proxied socket carries its connection under this key, so that one set of listener functions serves all
// sockets (`this` is the socket): with 1000 open connections, closures per socket would be ~0.5 MB of heap.
const CONNECTION = Symbol("hivestorm.connection");
type ProxiedSocket = Socket & { [CONNECTION]?: Connection };

function onData(this: ProxiedSocket, data: Buffer): void {
  this[CONNECTION]?.from(this).read(data);
}

function onEnd(this: ProxiedSocket): void {
  this[CONNECTION]?.from(this).sourceEnded();
}

function onDrain(this: ProxiedSocket): void {
  this[CONNECTION]?.into(this).drained();
}

function onClose(this: ProxiedSocket): void {
  const connection = this[CONNECTION];
  if (connection === undefined) return;
  connection.from(this).sourceEnded();
  connection.socketClosed();
}

/**
 * One proxied client: an upstream link (client → server) and a downstream link (server → client). When either
 * link ends, its destination is closed fully and the other link ends too: no half-close, as upstream.
 */
export class Connection implements LinkHooks {
  readonly up: Link;
  readonly down: Link;
  private closedSockets = 0;
  private disposed = false;

  constructor(
    readonly client: Socket,
    readonly upstream: Socket,
    toxics: readonly ToxicDefinition[],
    private readonly onClosed: (connection: Connection) => void,
    private readonly metrics?: { sink: LinkMetrics; labels: Omit<LinkLabels, "direction"> },
  ) {
    this.up = new Link(
      client,
      upstream,
      this,
      toxics.filter((t) => t.direction === "upstream"),
    );
    this.down = new Link(
      upstream,
      client,
      this,
      toxics.filter((t) => t.direction === "downstream"),
    );
    for (const socket of [client, upstream] as ProxiedSocket[]) {
      socket[CONNECTION] = this;
      socket.on("data", onData);
      socket.on("end", onEnd);
      socket.on("close", onClose);
      socket.on("drain", onDrain);
    }
    client.resume();
    upstream.resume();
  }

  link(direction: "upstream" | "downstream"): Link {
    return direction === "upstream" ? this.up : this.down;
  }

  /** The link that reads from `socket`. */
  from(socket: Socket): Link {
    return socket === this.client ? this.up : this.down;
  }

  /** The link that writes to `socket`. */
  into(socket: Socket): Link {
    return socket === this.client ? this.down : this.up;
  }

  /** Closes both sockets now (proxy stopped, disabled or deleted). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.dispose();
  }

  /** A toxic asked for a TCP reset of the whole connection. */
  reset(): void {
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
    this.dispose();
  }

  /** EOF left the end of `link`'s chain: close its destination and end the other direction. */
  finished(link: Link): void {
    const dest = link.dest;
    dest.destroySoon();
    // destroySoon waits for the peer to take what is still buffered; a peer that never reads must not pin it.
    if (!dest.destroyed) {
      const timer = setTimeout(() => dest.destroy(), FLUSH_GRACE_MS).unref();
      dest.once("close", () => clearTimeout(timer));
    }
    (link === this.up ? this.down : this.up).sourceEnded();
  }

  socketClosed(): void {
    this.closedSockets += 1;
    if (this.closedSockets === 2) this.dispose();
  }

  private dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.up.dispose();
    this.down.dispose();
    if (this.metrics) {
      const { sink, labels } = this.metrics;
      sink.linkEnded({ direction: "upstream", ...labels }, this.up.received, this.up.sent);
      sink.linkEnded({ direction: "downstream", ...labels }, this.down.received, this.down.sent);
    }
    this.onClosed(this);
  }
}
