// The one owner of a run's world: it reads the system definition, starts (or attaches to) the Toxiproxy,
// creates the proxies, starts the services that have a command, waits for health, and owns the cleanup ledger.
// Closing it (`await using`, the end of a run, SIGINT/SIGTERM or a crash) reverts every fault and stops
// everything it started, in reverse order. `run-all`, a single scenario file and a ten-line script all stand
// on it:
//   await using bed = await testbed({ config: "my.config.ts" });
//   await using _ = await chaos.network.latency(3000).on("app-1").apply();
//   const r = await load.rate(50, "20s").target(bed.url("lb")).run();
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHAOS_CONTEXT, type ChaosContext, createChaosContext } from "../chaos/context.ts";
import { systemCandidates } from "../chaos/process/system-candidates.ts";
import { checkTimeScale, parseDuration } from "../core/duration.ts";
import { HivestormError } from "../core/errors.ts";
import { DEFAULT_LEDGER_FILE } from "../core/ledger.ts";
import { enterAmbient, makeScope, type RunScope, within } from "../core/run-scope.ts";
import { onShutdown } from "../core/shutdown.ts";
import { openRunLedger, type RunLedger } from "../reap/run-ledger.ts";
import { waitSteadyState } from "../runner/phases/steady-state.ts";
import {
  clientUrl,
  type InstanceInfo,
  type SystemConfig,
  type SystemDefinition,
} from "../system/definition.ts";
import { howToMap, serviceOf } from "../system/roles.ts";
import { DEFAULT_CONFIG, loadSystem } from "./load-system.ts";
import { ServiceSet, type ServiceStatus } from "./services.ts";
import { boundShell, type CommandRecord, type RunShell } from "./shell.ts";
import { openToxiproxy, type TestbedToxiproxy } from "./toxiproxy.ts";

export interface TestbedOptions {
  /** A config file (default hivestorm.config.ts) or a system definition given inline. */
  config?: string | SystemConfig;
  /** What to call an inline definition in messages (e.g. the file it came from). */
  name?: string;
  /** Where relative paths resolve (default: the current directory). */
  root?: string;
  /** Run the services as processes (default) or as containers (their `docker` images). */
  target?: "process" | "docker";
  /** Switches handed to the config (the demo reads them as bug switches: `--demo-bug`). */
  flags?: string[];
  /** A compose file the services come from (over the config's `compose`); implies `target: "docker"`. */
  compose?: string;
  /** Factor applied to phase durations of everything run on this testbed; default 1. */
  timeScale?: number;
  allowNonLoopback?: boolean;
  /** Where services write their logs; default a fresh folder under the system's temp dir. */
  logDir?: string;
  /** Lines about what the testbed does; default: written to stderr. */
  log?: (line: string) => void;
  /** A Toxiproxy to drive instead of starting the embedded one; default TOXIPROXY_URL. */
  toxiproxyUrl?: string;
  /** The on-disk mirror of the cleanup ledger (read by scripts/reap.ts); default HIVESTORM_LEDGER or .hivestorm/ledger.json. */
  ledgerFile?: string;
  /** Revert and stop everything on SIGINT, SIGTERM and crashes, then exit (default true). */
  handleSignals?: boolean;
  /** Make this testbed the one `chaos.*` acts on in the code that follows (default true; the runner uses `within`). */
  ambient?: boolean;
  /** Aborting it interrupts start-up and tells the run's steps to stop. */
  signal?: AbortSignal;
  /** An id for log folders and containers; default derived from the time. */
  runId?: string;
}

/** A service as scenarios and scripts see it. */
export interface ServiceHandle {
  name: string;
  /** The service's own address. */
  url: string;
  /** The address clients use (its proxy's when it has one). */
  clientUrl: string;
  pid?: number;
  container?: string;
}

/** A service the testbed found down after a scenario and started again. */
export interface Restoration {
  service: string;
  why: string;
  ok: boolean;
  error?: string;
}

export class Testbed implements AsyncDisposable {
  readonly scope: RunScope;
  readonly chaos: ChaosContext;
  readonly #controller = new AbortController();
  #closing: Promise<void> | undefined;
  #shell: RunShell | undefined;
  #restoring: Promise<void> = Promise.resolve();
  readonly #cleanups: (() => void)[] = [];
  /** Services that stayed down after a restore, and the scenario that left them so. */
  readonly down = new Map<string, { after: string; why: string }>();

  private constructor(
    readonly system: SystemDefinition,
    readonly source: string,
    readonly root: string,
    readonly logDir: string,
    readonly target: "process" | "docker",
    readonly ledger: RunLedger,
    readonly toxiproxy: TestbedToxiproxy,
    readonly services_: ServiceSet,
    readonly log: (line: string) => void,
    timeScale: number,
    external: AbortSignal | undefined,
  ) {
    if (external) {
      if (external.aborted) this.#controller.abort(external.reason);
      else external.addEventListener("abort", () => this.#controller.abort(external.reason), { once: true });
    }
    this.chaos = createChaosContext({
      toxiproxyUrl: toxiproxy.url,
      toxiproxyFor: toxiproxy.urlOf,
      proxies: toxiproxy.proxies,
      roles: system.roles,
      cwd: root,
      ledger,
      signal: this.#controller.signal,
      // chaos.process: selectors resolve to the processes (or containers) started here and their instances.
      targets: systemCandidates({
        target,
        services: system.services,
        roles: system.roles,
        running: services_.running,
        ledger,
      }),
    });
    this.scope = makeScope({
      timeScale,
      ledger,
      signal: this.#controller.signal,
      extras: new Map<symbol, unknown>([
        [CHAOS_CONTEXT, this.chaos],
        [TESTBED, this],
      ]),
    });
  }

  /** Starts a testbed; on any failure (or abort) during start-up, stops what it had started and rethrows. */
  static async open(options: TestbedOptions = {}): Promise<Testbed> {
    const root = resolve(options.root ?? process.cwd());
    const runId = options.runId ?? new Date().toISOString().replace(/[:.]/g, "-");
    const logDir = options.logDir ?? join(tmpdir(), `hivestorm-${runId}`);
    const target = options.target ?? (options.compose ? "docker" : "process");
    const log = options.log ?? ((line: string) => process.stderr.write(`hivestorm: ${line}\n`));
    const timeScale = checkTimeScale(options.timeScale ?? 1);
    const signal = options.signal ?? new AbortController().signal;
    const loaded = await loadSystem(options.config ?? DEFAULT_CONFIG, {
      flags: options.flags ?? [],
      demoBugs: options.flags ?? [],
      target,
      logDir,
      root,
      allowNonLoopback: options.allowNonLoopback,
      compose: options.compose,
    });
    const { system } = loaded;
    const source = options.name ?? loaded.source;
    mkdirSync(logDir, { recursive: true });
    // The run's ledger: claimed for this process (a dead run's is settled first), with its dead-man switch.
    const ledger = await openRunLedger({
      root,
      file: resolve(root, options.ledgerFile ?? process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE),
      runId,
      log,
    });
    // Until the testbed exists, a signal during start-up stops what was started and exits.
    const startup = new AbortController();
    const abortStartup = () => startup.abort(new HivestormError("E_ABORTED", "start-up interrupted"));
    signal.addEventListener("abort", abortStartup, { once: true });
    if (signal.aborted) abortStartup(); // aborted before we listened: its event has come and gone
    // The hook waits until what was started is stopped again: the process exits as soon as the hooks return.
    let startupSettled!: () => void;
    const settled = new Promise<void>((r) => {
      startupSettled = r;
    });
    const unhook =
      options.handleSignals === false
        ? () => {}
        : onShutdown(async () => {
            abortStartup();
            await settled;
          });
    let toxiproxy: TestbedToxiproxy | undefined;
    const services = new ServiceSet(system, {
      root,
      logDir,
      runId,
      target,
      log,
      ledger,
      signal: startup.signal,
    });
    try {
      startup.signal.throwIfAborted();
      toxiproxy = await openToxiproxy(system, {
        url: options.toxiproxyUrl ?? process.env.TOXIPROXY_URL,
        log,
      });
      startup.signal.throwIfAborted();
      await services.startAll();
      startup.signal.throwIfAborted();
    } catch (error) {
      await services.stopAll();
      await toxiproxy?.close().catch(() => {});
      await ledger.revertAll();
      await ledger.close();
      throw startup.signal.aborted ? startup.signal.reason : error;
    } finally {
      unhook();
      signal.removeEventListener("abort", abortStartup);
      startupSettled();
    }
    const bed = new Testbed(
      system,
      source,
      root,
      logDir,
      target,
      ledger,
      toxiproxy,
      services,
      log,
      timeScale,
      options.signal,
    );
    if (options.handleSignals !== false)
      bed.#cleanups.push(
        onShutdown(async (reason) => {
          bed.#controller.abort(new HivestormError("E_ABORTED", `${reason} received`));
          await bed.close();
        }),
      );
    if (options.ambient !== false) bed.#cleanups.push(enterAmbient(bed.scope));
    return bed;
  }

  /**
   * zx's `$` bound to this testbed: the project folder, the output into its log, killed on interrupt;
   * `bed.$.undo\`cmd\`` registers a revert command in the ledger.
   */
  get $(): RunShell {
    this.#shell ??= this.shell({});
    return this.#shell;
  }

  /** A `$` bound to this testbed with its own log and command record (a scenario's ctx.$). */
  shell(o: { log?: (line: string) => void; onCommand?: (r: CommandRecord) => void }): RunShell {
    return boundShell({
      cwd: this.root,
      signal: this.signal,
      log: o.log ?? this.log,
      ledger: this.ledger,
      onCommand: o.onCommand,
    });
  }

  /** Aborted when the run is interrupted (a signal, or the caller's abort). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get timeScale(): number {
    return this.scope.timeScale;
  }

  /** The address clients use for a service: its proxy's when it has one (faults act there). */
  url(service: string): string {
    return clientUrl(this.#definition(this.#resolve(service)));
  }

  /** The service's own address, around its proxy. */
  directUrl(service: string): string {
    return this.#definition(this.#resolve(service)).url;
  }

  get services(): Record<string, ServiceHandle> {
    return Object.fromEntries(
      Object.entries(this.system.services).map(([name, s]) => {
        const r = this.services_.running[name];
        return [name, { name, url: s.url, clientUrl: clientUrl(s), pid: r?.pid, container: r?.container }];
      }),
    );
  }

  /** Instances behind a service or role (e.g. a hive's workers, "@workers"), as the definition lists them. */
  async instances(ref: string): Promise<InstanceInfo[]> {
    return (await this.#definition(this.#resolve(ref)).instances?.()) ?? [];
  }

  /** A service by name or role ("@gateway"). */
  service(ref: string): ServiceHandle {
    const name = this.#resolve(ref);
    this.#definition(name);
    return this.services[name];
  }

  /** A counter a service (or role) exposes (`counters` in its definition), read now. */
  async counter(ref: string, name: string): Promise<number> {
    const svc = this.#resolve(ref);
    const read = this.#definition(svc).counters?.[name];
    if (!read)
      throw new HivestormError("E_NO_COUNTER", `service ${svc} exposes no counter ${JSON.stringify(name)}`, {
        hint: `declare counters: { ${name}: async () => <number> } for ${svc} in ${this.source}`,
      });
    return read();
  }

  #resolve(ref: string): string {
    const name = serviceOf(this.system, ref);
    if (name === undefined) throw new HivestormError("E_NO_ROLE", `${ref}: ${howToMap(ref.slice(1))}`);
    return name;
  }

  /** Runs `fn` with this testbed as the world `chaos.*`, loads and durations act in. */
  within<T>(fn: () => T): T {
    return within(this.scope, fn);
  }

  health(): Promise<ServiceStatus[]> {
    return this.services_.health();
  }

  /** Starts a service again (a killed one, say) and puts its proxy back as created. */
  /**
   * Waits until every service answers its health probe and one request of the system's traffic is served (the
   * runner's steady state): healthy is not yet serving when workers register after their pool is up. Throws
   * E_NOT_STEADY naming what is down once `timeout` (default 30s, not time-scaled) has passed.
   */
  async steady(o: { timeout?: string | number } = {}): Promise<void> {
    const timeoutMs = o.timeout === undefined ? 30_000 : parseDuration(o.timeout, "steady({ timeout })");
    const why = await waitSteadyState(this, { timeoutMs, signal: this.signal });
    if (why === "interrupted")
      throw new HivestormError("E_ABORTED", "the testbed closed while waiting for steady state");
    if (why)
      throw new HivestormError("E_NOT_STEADY", `${this.source}: ${why}`, {
        hint: "look at the services' logs in the testbed's log folder; raise the timeout if the system starts slowly",
      });
  }

  async restart(service: string): Promise<void> {
    this.#definition(service);
    await this.services_.restart(service);
    if (this.toxiproxy.proxies[service]) await this.toxiproxy.reset(service);
  }

  /**
   * After a scenario: every service that died or stopped answering is started again and its proxy reset;
   * returns what was done. `after` names the scenario, so that a later failure can say who left it down.
   */
  restore(after: string): Promise<Restoration[]> {
    const run = this.#restoreNow(after);
    // close() waits for a restore in progress, so that nothing it starts outlives the testbed.
    this.#restoring = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async #restoreNow(after: string): Promise<Restoration[]> {
    const out: Restoration[] = [];
    for (const s of await this.health()) {
      if (s.ok || this.signal.aborted) continue;
      const why = s.why ?? "unhealthy";
      try {
        await this.restart(s.service);
        this.down.delete(s.service);
        out.push({ service: s.service, why, ok: true });
      } catch (error) {
        this.down.set(s.service, { after, why });
        out.push({ service: s.service, why, ok: false, error: (error as Error).message.split("\n")[0] });
      }
    }
    return out;
  }

  /** Reverts every fault still applied and stops everything the testbed started, newest first. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#controller.abort(new HivestormError("E_ABORTED", "the testbed is closing"));
      await this.#restoring;
      for (const f of await this.ledger.revertAll())
        this.log(`could not revert ${f.description}: ${String(f.error)}; run npx tsx scripts/reap.ts`);
      await this.services_.stopAll();
      await this.toxiproxy.close().catch((e) => this.log(`stopping the Toxiproxy: ${String(e)}`));
      // The watchdog stops with the ledger; anything still open stays on record for it and for reap.ts.
      await this.ledger.close();
      for (const c of this.#cleanups.splice(0).reverse()) c();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #definition(service: string) {
    const def = this.system.services[service];
    if (!def)
      throw new HivestormError("E_NO_SERVICE", `no service "${service}" in ${this.source}`, {
        expected: `one of ${Object.keys(this.system.services).join(", ")}`,
        found: service,
      });
    return def;
  }
}

/** The key under which a run scope carries its testbed. */
export const TESTBED = Symbol("hivestorm.testbed");

/** Starts a testbed: `await using bed = await testbed({ config: "my.config.ts" })`. */
export function testbed(options: TestbedOptions = {}): Promise<Testbed> {
  return Testbed.open(options);
}
