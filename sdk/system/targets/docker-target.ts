// A container as a target, through dockerode. Works on any container the engine knows, by name, id or label:
// the containers hivestorm started and the user's own alike.
import type Docker from "dockerode";
import { FaultError, TimeoutError, ValidationError } from "../../core/errors.ts";
import { restoreMemoryLimit } from "../docker-limits.ts";
import { dockerClient, dockerStatus, engineOf } from "./docker-engine.ts";
import { execInContainer } from "./docker-exec.ts";
import { pollUntil } from "./proc.ts";
import { DEFAULT_OOM_HEADROOM, DEFAULT_OOM_TIMEOUT_MS, oomOptionProblems } from "./process-oom.ts";
import {
  type ExecResult,
  formatBytes,
  type OomOptions,
  type OomResult,
  type StopOptions,
  type StopResult,
  type Target,
  type TargetStatus,
} from "./target.ts";
import { makeUndo, type Undo, type UndoLedger } from "./undo.ts";

export interface DockerTargetOptions {
  /** The container's name or id. */
  container: string;
  /** The name in reports; the container reference unless given. */
  id?: string;
  docker?: Docker;
  ledger?: UndoLedger;
}

const KILL_WAIT_MS = 10_000;

export class DockerTarget implements Target {
  readonly kind = "docker" as const;
  readonly id: string;
  readonly ref: string;
  readonly docker: Docker;
  readonly container: Docker.Container;
  private readonly ledger: UndoLedger | undefined;
  private pauseUndo: Undo | undefined;

  constructor(options: DockerTargetOptions) {
    if (typeof options.container !== "string" || options.container === "") {
      throw new ValidationError("docker target", [
        {
          path: "container",
          message: `expected a container name or id, found ${JSON.stringify(options.container)}`,
        },
      ]);
    }
    this.ref = options.container;
    this.id = options.id ?? options.container;
    this.docker = options.docker ?? dockerClient();
    this.container = this.docker.getContainer(options.container);
    this.ledger = options.ledger;
  }

  /** The container with this name or id; throws FaultError when the engine does not know it. */
  static async byName(
    name: string,
    options: Omit<DockerTargetOptions, "container"> = {},
  ): Promise<DockerTarget> {
    const target = new DockerTarget({ ...options, container: name });
    if ((await target.status()) === "missing")
      throw new FaultError(`no container named ${JSON.stringify(name)}`);
    return target;
  }

  /**
   * Every container (running or not) carrying all of `labels` (`key=value` or `key`), sorted by name, each
   * with its name as id: how scenarios find "the workers" among a user's own containers.
   */
  static async byLabel(
    labels: string | readonly string[],
    options: Omit<DockerTargetOptions, "container" | "id"> = {},
  ): Promise<DockerTarget[]> {
    const docker = options.docker ?? dockerClient();
    const list = await docker.listContainers({ all: true, filters: { label: [labels].flat() } });
    return list
      .map((c) => (c.Names[0] ?? c.Id).replace(/^\//, ""))
      .sort()
      .map((name) => new DockerTarget({ ...options, docker, container: name }));
  }

  describe(): string {
    return this.id === this.ref ? `container ${this.ref}` : `container ${this.id} (${this.ref})`;
  }

  async inspect(): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.container.inspect();
    } catch (error) {
      if (dockerStatus(error) === 404) return undefined;
      throw error;
    }
  }

  async pid(): Promise<number | undefined> {
    const info = await this.inspect();
    return info?.State.Running && info.State.Pid > 0 ? info.State.Pid : undefined;
  }

  async status(): Promise<TargetStatus> {
    const info = await this.inspect();
    if (!info) return "missing";
    if (info.State.Paused) return "paused";
    return info.State.Running ? "running" : "exited";
  }

  async isRunning(): Promise<boolean> {
    const s = await this.status();
    return s === "running" || s === "paused";
  }

  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    try {
      await this.container.kill({ signal });
    } catch (error) {
      throw this.fault(`send ${signal} to`, error);
    }
  }

  /** Own SIGTERM → grace → SIGKILL rather than `docker stop`, whose grace is whole seconds and which hides forcing. */
  async stop(options: StopOptions): Promise<StopResult> {
    const graceMs = options.graceMs;
    if (!Number.isFinite(graceMs) || graceMs < 0) {
      throw new ValidationError(`stop options for ${this.describe()}`, [
        { path: "graceMs", message: `expected milliseconds (0 or more), found ${graceMs}` },
      ]);
    }
    const started = Date.now();
    const before = await this.status();
    if (before === "missing") throw new FaultError(`cannot stop ${this.describe()}: no such container`);
    if (before === "exited") return { forced: false, exitedAfterMs: 0, ...(await this.exitOf()) };
    if (before === "paused") await this.resume();
    await this.kill(options.signal ?? "SIGTERM").catch(() => {});
    let forced = false;
    if (!(await this.waitForExit(graceMs))) {
      forced = true;
      await this.kill("SIGKILL").catch(() => {});
      if (!(await this.waitForExit(KILL_WAIT_MS))) {
        throw new TimeoutError(`${this.describe()} survived SIGKILL for ${KILL_WAIT_MS} ms`);
      }
    }
    return { forced, exitedAfterMs: Date.now() - started, ...(await this.exitOf()) };
  }

  /** True once the container is no longer running (or gone) within `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<boolean> {
    return pollUntil(async () => !(await this.isRunning()), timeoutMs, 50);
  }

  async pause(): Promise<Undo> {
    try {
      await this.container.pause();
    } catch (error) {
      throw this.fault("pause", error);
    }
    const undo = makeUndo(
      `unpause ${this.describe()}`,
      async () => {
        try {
          await this.container.unpause();
        } catch (error) {
          // Already unpaused, stopped or removed: nothing left to undo.
          const status = dockerStatus(error);
          if (status !== 404 && status !== 409 && status !== 304) throw error;
        }
      },
      { ledger: this.ledger, reap: { kind: "docker-paused", container: this.ref, ...this.engineRecord() } },
    );
    this.pauseUndo = undo;
    return undo;
  }

  async resume(): Promise<void> {
    const undo = this.pauseUndo;
    this.pauseUndo = undefined;
    if (undo) return undo.revert();
    try {
      await this.container.unpause();
    } catch (error) {
      throw this.fault("unpause", error);
    }
  }

  async restart(options: { graceMs?: number } = {}): Promise<void> {
    if ((await this.status()) === "paused") await this.resume();
    try {
      await this.container.restart({ t: Math.ceil((options.graceMs ?? 5000) / 1000) });
    } catch (error) {
      throw this.fault("restart", error);
    }
  }

  /**
   * Sets a memory limit just above the container's usage (`docker update --memory`, no swap), makes it allocate
   * and waits for the kernel to kill it; Docker's own `State.OOMKilled` and `oom` event are the evidence. The
   * previous limit is put back afterwards (in the ledger meanwhile).
   */
  async oom(options: OomOptions = {}): Promise<OomResult> {
    const problems = oomOptionProblems(options);
    if (problems.length > 0) throw new ValidationError(`oom options for ${this.describe()}`, problems);
    const info = await this.inspect();
    if (!info?.State.Running) throw new FaultError(`cannot OOM-kill ${this.describe()}: it is not running`);
    if (info.State.Paused) await this.resume();
    const stats = (await this.container.stats({ stream: false })) as { memory_stats?: { usage?: number } };
    const usage = stats.memory_stats?.usage ?? 0;
    const headroom = options.headroomBytes ?? DEFAULT_OOM_HEADROOM;
    const limit = options.limitBytes ?? usage + headroom;
    const previous = { Memory: info.HostConfig.Memory ?? 0, MemorySwap: info.HostConfig.MemorySwap ?? 0 };
    const since = Math.floor(Date.now() / 1000) - 1;
    await this.container.update({ Memory: limit, MemorySwap: limit });
    const restoreLimit = makeUndo(
      `restore the memory limit of ${this.describe()}`,
      async () => {
        await restoreMemoryLimit(this.docker, this.ref, previous);
      },
      {
        ledger: this.ledger,
        reap: { kind: "docker-memory-limit", container: this.ref, ...previous, ...this.engineRecord() },
      },
    );
    try {
      const started = Date.now();
      let provokeError: unknown;
      if (options.provoke) {
        const provoke = options.provoke;
        void Promise.resolve()
          .then(() => provoke())
          .catch((error: unknown) => {
            provokeError = error;
          });
      }
      const timeoutMs = options.timeoutMs ?? DEFAULT_OOM_TIMEOUT_MS;
      if (!(await this.waitForExit(timeoutMs))) {
        throw new TimeoutError(`${this.describe()} was not OOM-killed within ${timeoutMs} ms`, {
          expected: `usage to exceed the limit of ${formatBytes(limit)}`,
          found: provokeError ? `provoke failed: ${String(provokeError)}` : "it is still running",
          hint: options.provoke
            ? "make provoke allocate more than the headroom (or lower headroomBytes)"
            : "pass provoke: a call that makes the target allocate memory (e.g. its debug endpoint)",
        });
      }
      const killedAfterMs = Date.now() - started;
      const state = (await this.inspect())?.State;
      const oomEvents = await this.eventCount("oom", since);
      return {
        method: "docker-memory-limit",
        how:
          `docker update --memory ${limit} --memory-swap ${limit} on ${this.describe()} (usage ` +
          `${formatBytes(usage)} + ${formatBytes(headroom)} headroom${options.limitBytes ? ", given" : ""}), ` +
          `${options.provoke ? "made it allocate" : "waited for it to allocate"}; the kernel OOM killer ended it`,
        limitBytes: limit,
        usageBytes: usage,
        oomKilled: state?.OOMKilled === true,
        killedAfterMs,
        exitCode: state?.ExitCode ?? null,
        exitSignal: null,
        evidence: [
          `inspect State.OOMKilled ${state?.OOMKilled}`,
          `inspect State.ExitCode ${state?.ExitCode}`,
          `docker events: ${oomEvents} "oom" event(s) for the container`,
        ],
      };
    } finally {
      // A restart keeps limits: put the old one back so that a restarted container is not killed again.
      await restoreLimit.revert();
    }
  }

  async exec(cmd: string[], options: { timeoutMs?: number } = {}): Promise<ExecResult> {
    if (!Array.isArray(cmd) || cmd.length === 0 || cmd.some((c) => typeof c !== "string")) {
      throw new ValidationError(`exec in ${this.describe()}`, [
        { path: "cmd", message: "expected a non-empty array of strings" },
      ]);
    }
    try {
      return await execInContainer(this.docker, this.container, cmd, options.timeoutMs);
    } catch (error) {
      if (error instanceof TimeoutError) throw error;
      throw this.fault(`exec ${cmd[0]} in`, error);
    }
  }

  private async exitOf(): Promise<Pick<StopResult, "exitCode" | "exitSignal">> {
    const info = await this.inspect();
    return { exitCode: info?.State.ExitCode ?? null, exitSignal: null };
  }

  /** The engine's "oom" events for this container since `since` (unix seconds), the container gone or not. */
  oomEventsSince(since: number): Promise<number> {
    return this.eventCount("oom", since);
  }

  /** How many events of `type` the engine recorded for this container since `since` (unix seconds). */
  private async eventCount(type: string, since: number): Promise<number> {
    const until = Math.floor(Date.now() / 1000) + 1;
    const info = await this.inspect();
    const stream = (await this.docker.getEvents({
      since,
      until,
      filters: { container: [info?.Id ?? this.ref], event: [type] },
    })) as NodeJS.ReadableStream;
    let text = "";
    for await (const chunk of stream) text += chunk.toString();
    return text.split("\n").filter((l) => l.trim() !== "").length;
  }

  /** Names the engine in ledger records when it is not the default one, so that a reaper reaches it. */
  private engineRecord(): { engine?: { host: string; port: number } } {
    const engine = engineOf(this.docker);
    return engine ? { engine: { ...engine } } : {};
  }

  private fault(what: string, error: unknown): FaultError {
    const detail = (error as { json?: { message?: string } })?.json?.message ?? (error as Error)?.message;
    return new FaultError(`cannot ${what} ${this.describe()}`, { found: String(detail) }, { cause: error });
  }
}
