// A flood of concurrent connections from the SDK to a service, held open until revert: idle (connect and say
// nothing) or slow (an HTTP request whose headers trickle in a byte at a time, slowloris-style). Loopback only,
// bounded in count, and never held longer than `maxHold` even if nobody reverts it.
import { connect, type Socket } from "node:net";
import { type Duration, parseDuration } from "../../core/duration.ts";
import { NonLoopbackTargetError, type Problem } from "../../core/errors.ts";
import { isLoopbackHost } from "../../core/loopback.ts";
import type { ChaosContext } from "../context.ts";
import type { Applied } from "../fault.ts";
import { sleep } from "./proc-info.ts";
import { type BaseState, numberProblem, ResourceFault } from "./resource-fault.ts";

export const MAX_CONNECTIONS = 20_000;

export interface ConnectionsState extends BaseState {
  count: number;
  mode: "idle" | "slow";
  url?: string;
  /** Safety bound: sockets are closed after this even without a revert. */
  maxHold: Duration;
}

export interface ConnectionStats {
  requested: number;
  opened: number;
  /** Refused, reset or timed out while connecting. */
  failed: number;
  /** Closed by the server while held (e.g. its header timeout ending a slow client). */
  closedByPeer: number;
  /** Open when the fault was reverted. */
  heldAtEnd: number;
}

export class ConnectionsFault extends ResourceFault<ConnectionsState> {
  readonly kind = "resource-connections";

  constructor(state: Partial<ConnectionsState> & { count: number }) {
    super({ mode: "idle", maxHold: "10m", ...state });
  }

  protected copy(s: ConnectionsState): this {
    return new ConnectionsFault(s) as this;
  }

  /** The service's address, e.g. its clientUrl: `http://127.0.0.1:8080`. */
  on(url: string): this {
    return this.with({ url, target: url });
  }

  /** Connections that say nothing (the default). */
  idle(): ConnectionsFault {
    return this.with({ mode: "idle" });
  }

  /** Connections that send an HTTP request's headers one byte a second and never finish. */
  slow(): ConnectionsFault {
    return this.with({ mode: "slow" });
  }

  maxHold(d: Duration): ConnectionsFault {
    return this.with({ maxHold: d });
  }

  protected override targetProblems(): Problem[] {
    const u = this.s.url;
    if (!u) return [{ path: "on", message: 'no address given: add .on("http://127.0.0.1:PORT")' }];
    try {
      const parsed = new URL(u);
      if (!isLoopbackHost(parsed.hostname))
        return [
          {
            path: "on",
            message: `expected a loopback address (127.0.0.0/8, ::1, localhost), found ${parsed.hostname}`,
          },
        ];
      if (!parsed.port) return [{ path: "on", message: `expected an explicit port in ${u}` }];
    } catch {
      return [
        { path: "on", message: `expected a URL such as http://127.0.0.1:8080, found ${JSON.stringify(u)}` },
      ];
    }
    return [];
  }

  protected problems(): Problem[] {
    const p = numberProblem("count", this.s.count, 1, MAX_CONNECTIONS, "a whole number of connections");
    if (!Number.isInteger(this.s.count)) p.push({ path: "count", message: "expected a whole number" });
    try {
      if (parseDuration(this.s.maxHold) <= 0)
        p.push({ path: "maxHold", message: "expected a positive duration" });
    } catch (error) {
      p.push({ path: "maxHold", message: (error as Error).message.split("\n")[0] });
    }
    return p;
  }

  protected params(): Record<string, unknown> {
    return { count: this.s.count, mode: this.s.mode, url: this.s.url };
  }

  describe(): string {
    return `connections: ${this.s.count} ${this.s.mode} connections held open to ${this.s.url ?? "?"}`;
  }

  async applyRaw(_ctx: ChaosContext): Promise<Applied> {
    const u = new URL(this.s.url!);
    if (!isLoopbackHost(u.hostname))
      throw new NonLoopbackTargetError(u.hostname, "connections floods are loopback only");
    const host = u.hostname.replace(/^\[|\]$/g, "");
    const port = Number(u.port);
    const stats: ConnectionStats = {
      requested: this.s.count,
      opened: 0,
      failed: 0,
      closedByPeer: 0,
      heldAtEnd: 0,
    };
    const sockets = new Set<Socket>();
    let reverting = false;
    const slow = this.s.mode === "slow";
    const request = `POST /v1/inference HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n`;
    const open = () =>
      new Promise<void>((resolve) => {
        const s = connect({ host, port });
        let connected = false;
        s.setTimeout(5000, () => s.destroy(new Error("connect timeout")));
        s.once("connect", () => {
          connected = true;
          s.setTimeout(0);
          stats.opened++;
          sockets.add(s);
          if (slow) s.write(request);
          resolve();
        });
        s.on("data", () => {});
        s.on("error", () => {});
        s.once("close", () => {
          sockets.delete(s);
          if (!connected) {
            stats.failed++;
            resolve();
          } else if (!reverting) stats.closedByPeer++;
        });
      });
    // In waves, so that the listen backlog is not the thing measured.
    for (let i = 0; i < this.s.count; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, this.s.count - i) }, open));
    }
    const trickle = slow
      ? setInterval(() => {
          for (const s of sockets) if (!s.destroyed) s.write("X");
        }, 1000)
      : undefined;
    const closeAll = () => {
      reverting = true;
      clearInterval(trickle);
      stats.heldAtEnd = sockets.size;
      for (const s of sockets) s.destroy();
      sockets.clear();
    };
    const safety = setTimeout(closeAll, parseDuration(this.s.maxHold));
    safety.unref();
    const how = `${stats.opened} of ${this.s.count} ${this.s.mode} connections opened to ${u.host} from this process (${stats.failed} failed)`;
    this.tell("applied", how, { ...stats });
    return {
      revert: async () => {
        clearTimeout(safety);
        closeAll();
        await sleep(10);
        this.tell("reverted", how, { ...stats });
      },
    };
  }
}
