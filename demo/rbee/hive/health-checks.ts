// Periodic eviction: heartbeat sweep plus active health checks. Either one alone detects a dead worker within
// the eviction deadline; both together also catch a hung worker whose heartbeat thread still runs.
import { probe } from "../lib/probe.ts";
import type { Registry, WorkerEntry } from "./registry.ts";

export interface HealthCheckConfig {
  heartbeatTimeoutMs: number;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  healthFailures: number;
}

export class HealthChecks {
  private timers: NodeJS.Timeout[] = [];
  private readonly probing = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly config: HealthCheckConfig,
  ) {}

  start(): void {
    const sweepEvery = Math.max(50, Math.min(250, this.config.heartbeatTimeoutMs / 4));
    let last = Date.now();
    this.timers.push(
      setInterval(() => {
        // A late tick means our own event loop was blocked: heartbeats may be waiting unread in socket
        // buffers, so silence proves nothing this time.
        const late = Date.now() - last > sweepEvery + 500;
        last = Date.now();
        if (!late) this.registry.sweep(this.config.heartbeatTimeoutMs);
      }, sweepEvery),
    );
    this.timers.push(setInterval(() => this.checkAll(), this.config.healthIntervalMs));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  private checkAll(): void {
    for (const w of this.registry.list()) void this.check(w);
  }

  /** One probe now; a refused connection evicts at once (nothing listens), other failures count. */
  async check(w: WorkerEntry): Promise<void> {
    if (this.probing.has(w.id)) return;
    this.probing.add(w.id);
    try {
      const result = await probe(w.url, this.config.healthTimeoutMs);
      if (result === "ok") {
        w.healthFailures = 0;
        return;
      }
      if (result === "refused") return this.registry.evict(w.id, "connection refused");
      // A slow answer from a worker that still heartbeats is a busy worker, not a dead one: under load,
      // killing it would turn overload into failures.
      if (result === "timeout" && Date.now() - w.lastHeartbeat < this.config.heartbeatTimeoutMs / 2) return;
      w.healthFailures++;
      if (w.healthFailures >= this.config.healthFailures) {
        this.registry.evict(w.id, "health check failed", { result, failures: w.healthFailures });
      }
    } finally {
      this.probing.delete(w.id);
    }
  }
}
