// `--spawn N`: the hive starts its workers itself, replaces every one that dies or is evicted (new process,
// new id), and takes them down with it.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PARENT_PID_ENV } from "../lib/listen.ts";
import type { Logger } from "../lib/log.ts";
import type { Registry, WorkerEntry } from "./registry.ts";

export interface SupervisorConfig {
  count: number;
  /** 0: every worker on an ephemeral port; otherwise worker i on base + i. */
  basePort: number;
  host: string;
  hiveUrl: string;
  logDir: string;
  bugs: readonly string[];
  graceMs: number;
}

const WORKER_ENTRY = fileURLToPath(new URL("../worker.ts", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx");
/** Extra node flags for each worker (see start-demo.ts). */
const NODE_ARGS = (process.env.RBEE_NODE_ARGS ?? "").split(" ").filter(Boolean);

interface Slot {
  child?: ChildProcess;
  startedAt: number;
  backoffMs: number;
  restarts: number;
}

export class Supervisor {
  private readonly slots: Slot[] = [];
  private stopping = false;

  constructor(
    private readonly config: SupervisorConfig,
    private readonly registry: Registry,
    private readonly log: Logger,
  ) {
    registry.onEvict = (entry, reason) => this.onEvict(entry, reason);
  }

  start(): void {
    for (let i = 0; i < this.config.count; i++) {
      this.slots.push({ startedAt: 0, backoffMs: 200, restarts: 0 });
      this.spawnSlot(i);
    }
  }

  pids(): number[] {
    return this.slots.flatMap((s) => (s.child?.pid && alive(s.child) ? [s.child.pid] : []));
  }

  private spawnSlot(i: number): void {
    const slot = this.slots[i];
    const args = [
      ...NODE_ARGS,
      "--import",
      TSX_LOADER,
      WORKER_ENTRY,
      "--port",
      String(this.config.basePort === 0 ? 0 : this.config.basePort + i),
      "--host",
      this.config.host,
      "--hive-url",
      this.config.hiveUrl,
      "--slot",
      String(i),
      ...(this.config.logDir ? ["--log-dir", this.config.logDir] : []),
      ...this.config.bugs.flatMap((b) => ["--bug", b]),
    ];
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      env: { ...process.env, [PARENT_PID_ENV]: String(process.pid) },
    });
    slot.child = child;
    slot.startedAt = Date.now();
    this.log.event("worker_spawned", { slot: i, pid: child.pid, restarts: slot.restarts });
    child.on("error", (err) => this.log.event("spawn_failed", { slot: i, message: err.message }));
    child.on("exit", (code, signal) => {
      this.log.event("worker_exited", { slot: i, pid: child.pid, code, signal });
      for (const w of this.registry.byPid(child.pid ?? -1))
        this.registry.evict(w.id, "process exited", { code, signal });
      if (this.stopping) return;
      // A worker that dies young is crash-looping: back off, up to 5 s between attempts.
      const lived = Date.now() - slot.startedAt;
      slot.backoffMs = lived < 2000 ? Math.min(slot.backoffMs * 2, 5000) : 200;
      slot.restarts++;
      setTimeout(() => {
        if (!this.stopping) this.spawnSlot(i);
      }, slot.backoffMs);
    });
  }

  /** An evicted worker that still runs is hung or unreachable: kill it so that its slot is refilled. */
  private onEvict(entry: WorkerEntry, reason: string): void {
    // A stale duplicate registration of a process that is registered and well under another id.
    if (this.registry.byPid(entry.pid).length > 0) return;
    const slot = this.slots.find((s) => s.child?.pid === entry.pid && alive(s.child));
    if (!slot?.child) return;
    this.log.event("worker_killed", { worker: entry.id, pid: entry.pid, reason });
    slot.child.kill("SIGKILL");
  }

  /** SIGTERM every worker, wait for its grace, then SIGKILL what is left. */
  async stop(): Promise<void> {
    this.stopping = true;
    const live = this.slots.flatMap((s) => (s.child && alive(s.child) ? [s.child] : []));
    const exited = live.map((c) => new Promise<void>((resolve) => c.once("exit", () => resolve())));
    for (const c of live) c.kill("SIGTERM");
    const all = Promise.all(exited);
    const timedOut = await Promise.race([
      all.then(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(true), this.config.graceMs + 1000)),
    ]);
    if (timedOut) {
      for (const c of live) if (alive(c)) c.kill("SIGKILL");
      await Promise.race([all, new Promise((r) => setTimeout(r, 2000))]);
    }
  }
}

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
