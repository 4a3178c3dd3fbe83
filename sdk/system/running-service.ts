// Starts a declared service as a child process in a process group of its own, waits until its health probe
// answers, and stops it (and its children) with SIGTERM, then SIGKILL after a grace period. The group is
// recorded in the run's ledger from the moment it exists, so that the run's watchdog or scripts/reap.ts stops
// it if the run dies. A port already held is refused before anything is spawned, and a healthy answer only
// counts while the child we spawned is alive: a stale process is never adopted as ours.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseDuration } from "../core/duration.ts";
import { HivestormError, TimeoutError } from "../core/errors.ts";
import type { CleanupLedger } from "../core/ledger.ts";
import { once } from "../core/once.ts";
import { commandLine, processStartTime } from "../core/process-identity.ts";
import type { ServiceDefinition } from "./definition.ts";
import { probeHealth } from "./health.ts";
import { portFree, portHolder } from "./port-holder.ts";

export interface RunningService {
  name: string;
  url: string;
  pid: number | undefined;
  /** The file that holds its stdout and stderr. */
  outputFile: string | undefined;
  /** True when the runner started it (and so stops it). */
  owned: boolean;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  cwd: string;
  logDir: string;
  /** Records the started process group until it is stopped. */
  ledger?: CleanupLedger;
  /** Aborting stops what was started and rejects at once with an E_ABORTED error. */
  signal?: AbortSignal;
}

/** Start-up was interrupted (SIGINT, SIGTERM, a caller's abort). */
export class StartAbortedError extends HivestormError {
  constructor(name: string) {
    super("E_ABORTED", `start of service ${name} interrupted; what was started is stopped`);
    this.name = "AbortError";
  }
}

export async function startService(
  name: string,
  def: ServiceDefinition,
  options: StartServiceOptions,
): Promise<RunningService> {
  const { signal } = options;
  if (signal?.aborted) throw aborted(name, signal);
  const healthUrl = new URL(def.health ?? "/health", def.url).toString();
  const startTimeout = parseDuration(def.startTimeout ?? "20s");
  if (!def.command) {
    if (!(await probeHealth(healthUrl, 2000)).ok)
      throw new HivestormError("E_SERVICE_DOWN", `service ${name} is not answering at ${healthUrl}`, {
        hint: `start it, or give it a command in hivestorm.config.ts so that the runner starts it`,
      });
    return { name, url: def.url, pid: undefined, outputFile: undefined, owned: false, stop: async () => {} };
  }
  await refuseHeldPort(name, def.url);
  mkdirSync(options.logDir, { recursive: true });
  const outputFile = join(options.logDir, `${name}.out.log`);
  const out = createWriteStream(outputFile, { flags: "a" });
  const [cmd, ...args] = def.command;
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, ...def.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let exited: { code: number | null; signal: string | null; error?: Error } | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", (code, sig) => {
      exited ??= { code, signal: sig };
      resolve();
    });
    // A command that does not exist: no "exit" follows.
    child.once("error", (error) => {
      exited ??= { code: null, signal: null, error };
      resolve();
    });
  });
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  const ledgerId =
    child.pid === undefined
      ? undefined
      : options.ledger?.add({
          description: `service ${name} (process group ${child.pid}: ${def.command.join(" ")})`,
          revert: () => stop(),
          reap: {
            kind: "process",
            pid: child.pid,
            startTime: processStartTime(child.pid),
            group: true,
            command: def.command.join(" "),
          },
        });
  const stop = once(async () => {
    await stopChild(child, exit, () => exited !== undefined, parseDuration(def.stopGrace ?? "5s"));
    out.end();
    if (ledgerId) options.ledger?.settle(ledgerId);
  });
  const onAbort = () => void stop();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const deadline = Date.now() + startTimeout;
    for (;;) {
      if (signal?.aborted) {
        await stop();
        throw aborted(name, signal);
      }
      if (exited) {
        await stop();
        throw exitedError(name, def, exited, outputFile);
      }
      // Healthy only counts while the child we spawned lives: checked after the answer, too.
      if ((await abortable(probeHealth(healthUrl, 1000), signal))?.ok && !exited) break;
      if (Date.now() > deadline) {
        await stop();
        throw new TimeoutError(
          `service ${name} did not become healthy within ${startTimeout}ms at ${healthUrl}`,
          {
            hint: `see ${outputFile}, or raise startTimeout for ${name} in the config`,
          },
        );
      }
      await abortableSleep(100, signal);
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  return { name, url: def.url, pid: child.pid, outputFile, owned: true, stop };
}

/** The caller's own reason when it gave one (an Error), else ours (a bare abort() carries a DOMException). */
function aborted(name: string, signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error && !(reason instanceof DOMException) ? reason : new StartAbortedError(name);
}

async function refuseHeldPort(name: string, url: string): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (await portFree(host, port)) return;
  const pid = portHolder(port);
  const who = pid ? `pid ${pid}${commandLine(pid) ? ` (${commandLine(pid)})` : ""}` : "another process";
  throw new HivestormError(
    "E_PORT_HELD",
    `port ${port} of service ${name} (${url}) is already held by ${who}`,
    {
      hint: `stop it${pid ? ` (kill ${pid})` : ""}; if a killed run left it, npx tsx scripts/reap.ts settles what that run recorded`,
    },
  );
}

function exitedError(
  name: string,
  def: ServiceDefinition,
  exited: { code: number | null; signal: string | null; error?: Error },
  outputFile: string,
): HivestormError {
  if (exited.error)
    return new HivestormError(
      "E_SERVICE_START",
      `service ${name} could not be started: ${def.command?.[0]}: ${exited.error.message}`,
      { hint: `check the command of ${name} in the config (${def.command?.join(" ")})` },
    );
  return new HivestormError(
    "E_SERVICE_START",
    `service ${name} exited while starting (code ${exited.code}, signal ${exited.signal})`,
    { hint: `see ${outputFile}` },
  );
}

/** The promise's value, or undefined as soon as `signal` aborts: an abort never waits for a probe. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | undefined> {
  if (!signal) return promise;
  return new Promise((resolve) => {
    const done = () => resolve(undefined);
    signal.addEventListener("abort", done, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", done);
        resolve(v);
      },
      () => resolve(undefined),
    );
  });
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

async function stopChild(
  child: ChildProcess,
  exit: Promise<void>,
  hasExited: () => boolean,
  graceMs: number,
) {
  if (child.pid === undefined) return;
  if (hasExited()) {
    // The leader is gone (its pid may be reused: only the group is signalled), but the group may hold
    // grandchildren (a hive's workers).
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // no member left
    }
    return;
  }
  signalGroup(child.pid, "SIGTERM");
  const timer = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs));
  const done = await Promise.race([exit.then(() => true), timer]);
  signalGroup(child.pid, "SIGKILL");
  if (!done) await Promise.race([exit, new Promise((r) => setTimeout(r, 2000))]);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
