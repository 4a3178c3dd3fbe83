// The services a testbed runs: started in declaration order (as processes, or as containers with --target
// docker), stopped in reverse; checked between scenarios, and started again when one died or stopped
// answering, so that a scenario that killed a service does not fail every scenario after it.
import { parseDuration } from "../core/duration.ts";
import type { CleanupLedger } from "../core/ledger.ts";
import { sleep } from "../core/sleep.ts";
import type { ServiceDefinition, SystemDefinition } from "../system/definition.ts";
import { startDockerService } from "../system/docker-services.ts";
import { probeHealth } from "../system/health.ts";
import { type RunningService, startService } from "../system/running-service.ts";

export interface ServiceStatus {
  service: string;
  ok: boolean;
  /** Why it is not healthy: "exited", "answered 503", "ECONNREFUSED". */
  why?: string;
}

export interface ServiceSetOptions {
  /** Every process and container started is recorded here until it is stopped (the dead-man switch reads it). */
  ledger?: CleanupLedger;
  root: string;
  logDir: string;
  runId: string;
  target: "process" | "docker";
  log: (line: string) => void;
  signal: AbortSignal;
}

export class ServiceSet {
  /** What is running now, by service: a pid (process target) or a container (docker target). */
  readonly running: Record<string, (RunningService & { container?: string }) | undefined> = {};
  readonly #order: string[] = [];

  constructor(
    readonly system: SystemDefinition,
    readonly o: ServiceSetOptions,
  ) {}

  /** Starts every service, in declaration order; stops what it started when one fails or on abort. */
  async startAll(): Promise<void> {
    try {
      for (const name of Object.keys(this.system.services)) {
        this.o.signal.throwIfAborted();
        await this.start(name);
      }
    } catch (error) {
      await this.stopAll();
      throw error;
    }
  }

  async start(name: string): Promise<RunningService> {
    const def = this.system.services[name];
    const inDocker = this.o.target === "docker" && def.docker;
    this.o.log(
      `starting ${name}${inDocker ? ` in docker: ${def.docker!.image} ${def.docker!.cmd.join(" ")}` : def.command ? `: ${def.command.join(" ")}` : ` (already running at ${def.url})`}`,
    );
    const svc = inDocker
      ? await startDockerService(name, def, {
          ...{ logDir: this.o.logDir, runId: this.o.runId, log: this.o.log, ledger: this.o.ledger },
        })
      : await startService(name, def, {
          ...{ cwd: this.o.root, logDir: this.o.logDir, ledger: this.o.ledger, signal: this.o.signal },
        });
    this.running[name] = svc;
    if (!this.#order.includes(name)) this.#order.push(name);
    return svc;
  }

  /** Health of every service: its probe answers 2xx (and the process we started is still alive). */
  async health(): Promise<ServiceStatus[]> {
    const out: ServiceStatus[] = [];
    for (const [name, def] of Object.entries(this.system.services)) out.push(await this.#probe(name, def));
    return out;
  }

  /**
   * Stops and starts one service again (and what it owns: a process group, replica containers), and waits
   * until the instances it lists (if it lists any) are all ready: a restarted pool is back when its members are.
   */
  async restart(name: string): Promise<RunningService> {
    await this.running[name]?.stop();
    this.running[name] = undefined;
    const svc = await this.start(name);
    await this.#instancesReady(name, parseDuration(this.system.services[name].startTimeout ?? "20s"));
    return svc;
  }

  /** Stops everything started, newest first; never throws (each failure is logged). */
  async stopAll(): Promise<void> {
    for (const name of [...this.#order].reverse()) {
      const svc = this.running[name];
      if (!svc) continue;
      await svc.stop().catch((e) => this.o.log(`stopping ${name}: ${String(e)}`));
      this.running[name] = undefined;
    }
  }

  async #instancesReady(name: string, timeoutMs: number): Promise<void> {
    const list = this.system.services[name].instances;
    if (!list) return;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && !this.o.signal.aborted) {
      const all = await list().catch(() => []);
      if (all.length > 0 && all.every((i) => i.state === undefined || i.state === "ready")) return;
      await sleep(200, this.o.signal);
    }
    this.o.log(`${name} restarted, but not all of its instances were ready within ${timeoutMs / 1000} s`);
  }

  async #probe(name: string, def: ServiceDefinition): Promise<ServiceStatus> {
    const svc = this.running[name];
    if (svc?.owned && svc.pid !== undefined && !svc.container && !isAlive(svc.pid))
      return { service: name, ok: false, why: `its process (pid ${svc.pid}) exited` };
    const timeout = Math.min(2000, parseDuration(def.startTimeout ?? "20s"));
    const r = await probeHealth(new URL(def.health ?? "/health", def.url).toString(), timeout);
    return r.ok
      ? { service: name, ok: true }
      : { service: name, ok: false, why: r.error ?? `answered ${r.status}` };
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
