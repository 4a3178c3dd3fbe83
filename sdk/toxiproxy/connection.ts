import type { Socket } from "node:net";
import { Link } from "./link.ts";
import type { LinkLabels, LinkMetrics } from "./metrics.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";

const FLUSH_GRACE_MS = 30_000;

/**
 * One proxied client: an upstream link (client → server) and a downstream link (server → client). When either
 * link ends, its destination is closed fully and the other link ends too: no half-close, as upstream.
 */
export class Connection {
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
    const hooks = {
      finished: (link: Link) => this.linkFinished(link),
      reset: () => this.reset(),
    };
    this.up = new Link(
      client,
      upstream,
      hooks,
      toxics.filter((t) => t.direction === "upstream"),
    );
    this.down = new Link(
      upstream,
      client,
      hooks,
      toxics.filter((t) => t.direction === "downstream"),
    );
    for (const socket of [client, upstream]) {
      socket.on("close", this.socketClosed);
    }
    client.resume();
    upstream.resume();
  }

  link(direction: "upstream" | "downstream"): Link {
    return direction === "upstream" ? this.up : this.down;
  }

  /** Closes both sockets now (proxy stopped, disabled or deleted). */
  destroy(): void {
    this.client.destroy();
    this.upstream.destroy();
    this.dispose();
  }

  private reset(): void {
    for (const socket of [this.client, this.upstream]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
    this.dispose();
  }

  private linkFinished(link: Link): void {
    const dest = link.dest;
    dest.destroySoon();
    // destroySoon waits for the peer to take what is still buffered; a peer that never reads must not pin it.
    if (!dest.destroyed) {
      const timer = setTimeout(() => dest.destroy(), FLUSH_GRACE_MS).unref();
      dest.once("close", () => clearTimeout(timer));
    }
    (link === this.up ? this.down : this.up).sourceEnded();
  }

  private readonly socketClosed = (): void => {
    this.closedSockets += 1;
    if (this.closedSockets === 2) this.dispose();
  };

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
