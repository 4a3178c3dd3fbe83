// The hive's registry of workers. A worker is listed once it registers; it is evicted (removed from the list,
// its id never reused or routed to again) when it misses heartbeats, fails health checks or refuses a
// connection. The `no-eviction` bug turns every eviction into a no-op.
import type { Logger } from "../lib/log.ts";

export type RegisteredState = "loading" | "ready" | "draining";

export interface WorkerEntry {
  id: string;
  url: string;
  pid: number;
  slot: number;
  state: RegisteredState;
  /** Requests the hive is proxying to this worker now. */
  inflight: number;
  /** What the worker itself last reported. */
  reportedInflight: number;
  registeredAt: number;
  lastHeartbeat: number;
  healthFailures: number;
  served: number;
  failed: number;
}

export interface Registration {
  url: string;
  pid: number;
  state: RegisteredState;
  slot?: number;
  inflight?: number;
}

export class Registry {
  private readonly workers = new Map<string, WorkerEntry>();
  private seq = 0;
  private rotor = 0;
  /** Called after an eviction, e.g. so that the supervisor kills and replaces its child. */
  onEvict: (entry: WorkerEntry, reason: string) => void = () => undefined;

  constructor(
    private readonly log: Logger,
    private readonly evictionEnabled: boolean,
  ) {}

  register(r: Registration): WorkerEntry {
    const id = `worker-${++this.seq}`;
    const now = Date.now();
    const entry: WorkerEntry = {
      id,
      url: r.url,
      pid: r.pid,
      slot: r.slot ?? -1,
      state: r.state,
      inflight: 0,
      reportedInflight: r.inflight ?? 0,
      registeredAt: now,
      lastHeartbeat: now,
      healthFailures: 0,
      served: 0,
      failed: 0,
    };
    this.workers.set(id, entry);
    this.log.event("worker_registered", {
      worker: id,
      url: r.url,
      pid: r.pid,
      state: r.state,
      slot: entry.slot,
    });
    return entry;
  }

  /** False when the id is unknown (evicted or never registered): the worker must register again. */
  heartbeat(id: string, r: Registration): boolean {
    const entry = this.workers.get(id);
    if (!entry) return false;
    if (entry.state !== r.state) {
      this.log.event("worker_state", { worker: id, from: entry.state, to: r.state });
    }
    entry.state = r.state;
    entry.reportedInflight = r.inflight ?? entry.reportedInflight;
    entry.lastHeartbeat = Date.now();
    return true;
  }

  deregister(id: string): boolean {
    const entry = this.workers.get(id);
    if (!entry) return false;
    this.workers.delete(id);
    this.log.event("worker_deregistered", { worker: id, pid: entry.pid });
    return true;
  }

  evict(id: string, reason: string, fields: Record<string, unknown> = {}): void {
    const entry = this.workers.get(id);
    if (!entry || !this.evictionEnabled) return;
    this.workers.delete(id);
    this.log.event("worker_evicted", { worker: id, pid: entry.pid, url: entry.url, reason, ...fields });
    this.onEvict(entry, reason);
  }

  byPid(pid: number): WorkerEntry[] {
    return [...this.workers.values()].filter((w) => w.pid === pid);
  }

  get(id: string): WorkerEntry | undefined {
    return this.workers.get(id);
  }

  list(): WorkerEntry[] {
    return [...this.workers.values()];
  }

  /** The least-loaded ready worker not in `exclude`; ties go round-robin so that load spreads. */
  pick(exclude: ReadonlySet<string>): WorkerEntry | undefined {
    const ready = this.list().filter((w) => w.state === "ready" && !exclude.has(w.id));
    if (ready.length === 0) return undefined;
    this.rotor = (this.rotor + 1) % ready.length;
    let best: WorkerEntry | undefined;
    for (let i = 0; i < ready.length; i++) {
      const w = ready[(this.rotor + i) % ready.length];
      if (!best || w.inflight < best.inflight) best = w;
    }
    return best;
  }

  /** Evicts every worker whose last heartbeat is older than `timeoutMs`. */
  sweep(timeoutMs: number): void {
    const now = Date.now();
    for (const w of this.list()) {
      if (now - w.lastHeartbeat > timeoutMs) {
        this.evict(w.id, "heartbeat missed", { silentMs: now - w.lastHeartbeat, state: w.state });
      }
    }
  }

  counts() {
    const all = this.list();
    const of = (s: RegisteredState) => all.filter((w) => w.state === s).length;
    return { total: all.length, ready: of("ready"), loading: of("loading"), draining: of("draining") };
  }
}
