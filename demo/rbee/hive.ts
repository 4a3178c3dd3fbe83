// Entry point: `npx tsx demo/rbee/hive.ts --port 9201 --spawn 4`.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHive } from "./hive/server.ts";
import { Bugs, bugProblems } from "./lib/bugs.ts";
import { helpText, intFlag, listFlag, parseFlags, stringFlag } from "./lib/flags.ts";
import { exitOnBadInput, exitWithParent } from "./lib/listen.ts";
import { Logger } from "./lib/log.ts";

export const HIVE_FLAGS = {
  port: intFlag(9201, "port to listen on; 0 picks a free one", 0, 65535),
  host: stringFlag("127.0.0.1", "address to listen on (workers listen on it too)"),
  spawn: intFlag(0, "workers to start and keep alive (replacing dead ones)", 0, 256),
  workerBasePort: intFlag(9300, "port of spawned worker i is base + i; 0 gives ephemeral ports", 0, 65535),
  workerGraceMs: intFlag(5000, "on shutdown, time spawned workers get before SIGKILL", 0, 600_000, [
    "WORKER_GRACE_MS",
  ]),
  cacheDir: stringFlag(join(tmpdir(), "rbee-hive-cache"), "model cache directory"),
  heartbeatTimeoutMs: intFlag(2500, "evict a worker silent for this long", 10),
  healthIntervalMs: intFlag(1000, "interval between health checks of each worker", 10),
  healthTimeoutMs: intFlag(1000, "a health check slower than this fails (if heartbeats stopped too)", 10),
  healthFailures: intFlag(2, "evict after this many failed health checks in a row", 1),
  attempts: intFlag(3, "workers tried per request before the first token", 1, 16),
  connectTimeoutMs: intFlag(500, "connect timeout to a worker", 1),
  firstTokenTimeoutMs: intFlag(2500, "first-token timeout from a worker", 1),
  idleTimeoutMs: intFlag(5000, "longest silence between two tokens of a worker", 1),
  logFile: stringFlag("", "JSON-lines log file; default <log-dir>/hive.jsonl, or stderr"),
  logDir: stringFlag("", "directory for logs (the hive's and its workers')", ["RBEE_LOG_DIR"]),
  bug: listFlag("bug switch, repeatable (see README)", ["RBEE_BUGS"]),
};

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(helpText("hive", "HIVE", HIVE_FLAGS));
    return;
  }
  let flags: ReturnType<typeof parseFlags<typeof HIVE_FLAGS>>;
  try {
    flags = parseFlags("hive", "HIVE", HIVE_FLAGS, process.argv.slice(2), process.env, (v) =>
      bugProblems(v.bug ?? []),
    );
  } catch (err) {
    exitOnBadInput(err);
  }
  const log = new Logger("hive", flags.logFile || (flags.logDir ? join(flags.logDir, "hive.jsonl") : ""));
  const bugs = new Bugs(flags.bug);
  let hive: Awaited<ReturnType<typeof startHive>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.event("signal", { signal });
    void (hive?.stop() ?? Promise.resolve()).then(() => {
      log.close();
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  exitWithParent(() => stop("parent gone"));
  // Handlers first, then the server: a signal in between must not take the default action.
  hive = await startHive({ ...flags, bugNames: flags.bug }, bugs, log);
  if (stopping) void hive.stop().then(() => process.exit(0));
}

await main();
