// Starts a declared service as a child process, waits until its health probe answers, and stops it (and its
// children: it gets its own process group) with SIGTERM, then SIGKILL after a grace period.
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseDuration } from "../core/duration.ts";
import { HivestormError, TimeoutError } from "../core/errors.ts";
import type { ServiceDefinition } from "./definition.ts";
import { probeHealth } from "./health.ts";

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

export async function startService(
  name: string,
  def: ServiceDefinition,
  options: { cwd: string; logDir: string; signal?: AbortSignal },
): Promise<RunningService> {
  const healthUrl = new URL(def.health ?? "/health", def.url).toString();
  const startTimeout = parseDuration(def.startTimeout ?? "20s");
  if (!def.command) {
    if (!(await probeHealth(healthUrl, 2000)).ok)
      throw new HivestormError("E_SERVICE_DOWN", `service ${name} is not answering at ${healthUrl}`, {
        hint: `start it, or give it a command in hivestorm.config.ts so that the runner starts it`,
      });
    return { name, url: def.url, pid: undefined, outputFile: undefined, owned: false, stop: async () => {} };
  }
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
  child.stdout?.pipe(out, { end: false });
  child.stderr?.pipe(out, { end: false });
  let exited: { code: number | null; signal: string | null } | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const stop = once(async () => {
    await stopChild(child, exit, () => exited !== undefined, parseDuration(def.stopGrace ?? "5s"));
    out.end();
  });
  const deadline = Date.now() + startTimeout;
  for (;;) {
    if (exited) {
      out.end();
      throw new HivestormError(
        "E_SERVICE_START",
        `service ${name} exited while starting (code ${exited.code}, signal ${exited.signal})`,
        {
          hint: `see ${outputFile}; is the port of ${def.url} free?`,
        },
      );
    }
    if ((await probeHealth(healthUrl, 1000)).ok) break;
    // An interrupted start-up stops this service too, instead of waiting out its start timeout.
    if (options.signal?.aborted) {
      await stop();
      throw options.signal.reason;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new TimeoutError(
        `service ${name} did not become healthy within ${startTimeout}ms at ${healthUrl}`,
        {
          hint: `see ${outputFile}, or raise startTimeout for ${name} in the config`,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name, url: def.url, pid: child.pid, outputFile, owned: true, stop };
}

async function stopChild(
  child: ChildProcess,
  exit: Promise<void>,
  hasExited: () => boolean,
  graceMs: number,
) {
  if (hasExited() || child.pid === undefined) return;
  signalGroup(child.pid, "SIGTERM");
  const timer = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs));
  const done = await Promise.race([exit.then(() => true), timer]);
  // The group may hold grandchildren (a hive's workers) even when the leader exited.
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

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}
