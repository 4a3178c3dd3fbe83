// Entry point: `npx tsx demo/rbee/worker.ts --port 9300 --hive-url http://127.0.0.1:9201`.
import { join } from "node:path";
import { Bugs, bugProblems } from "./lib/bugs.ts";
import { helpText, intFlag, listFlag, parseFlags, stringFlag } from "./lib/flags.ts";
import { exitOnBadInput, exitWithParent } from "./lib/listen.ts";
import { Logger } from "./lib/log.ts";
import { startWorker } from "./worker/server.ts";

export const WORKER_FLAGS = {
  port: intFlag(9300, "port to listen on; 0 picks a free one", 0, 65535),
  host: stringFlag("127.0.0.1", "address to listen on"),
  hiveUrl: stringFlag("", "hive to register with and heartbeat to; empty runs alone"),
  slot: intFlag(-1, "slot in the hive's --spawn set (set by the hive)", -1),
  model: stringFlag("demo-7b", "model name reported in health"),
  loadMs: intFlag(1000, "time spent in state loading before ready", 0, 600_000),
  tokenDelayMs: intFlag(20, "pause before each token", 0, 60_000),
  streamIntervalMs: intFlag(
    60,
    "a stream's tokens after the first are written together at most this often (0: each on its own)",
    0,
    5000,
  ),
  vramMb: intFlag(8192, "simulated VRAM budget"),
  vramPerReqMb: intFlag(128, "VRAM one request reserves while it streams (8192 / 128: 64 streams)"),
  leakMbPerReq: intFlag(0, "real memory kept for ever per request (for OOM scenarios)"),
  graceMs: intFlag(5000, "on SIGTERM, time in-flight streams get to finish"),
  heartbeatMs: intFlag(500, "interval between heartbeats to the hive", 10),
  maxTokens: intFlag(4096, "largest max_tokens accepted", 1),
  logFile: stringFlag("", "JSON-lines log file; default <log-dir>/worker-<pid>.jsonl, or stderr"),
  logDir: stringFlag("", "directory for the default log file", ["RBEE_LOG_DIR"]),
  bug: listFlag("bug switch, repeatable (see README)", ["RBEE_BUGS"]),
};

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(helpText("worker", "WORKER", WORKER_FLAGS));
    return;
  }
  let flags: ReturnType<typeof parseFlags<typeof WORKER_FLAGS>>;
  try {
    flags = parseFlags("worker", "WORKER", WORKER_FLAGS, process.argv.slice(2), process.env, (v) =>
      bugProblems(v.bug ?? []),
    );
  } catch (err) {
    exitOnBadInput(err);
  }
  const logFile = flags.logFile || (flags.logDir ? join(flags.logDir, `worker-${process.pid}.jsonl`) : "");
  const log = new Logger("worker", logFile, { pid: process.pid });
  const bugs = new Bugs(flags.bug);
  let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (bugs.has("ignore-sigterm") && signal === "SIGTERM") {
      log.event("sigterm_ignored");
      return;
    }
    if (stopping) return;
    stopping = true;
    log.event("signal", { signal });
    void (worker?.drain() ?? Promise.resolve()).then(() => {
      log.close();
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  exitWithParent(() => {
    log.event("parent_gone");
    process.exit(1);
  });
  // Handlers first, then the server: a signal in between must not take the default action.
  worker = await startWorker(flags, bugs, log);
  if (stopping) void worker.drain().then(() => process.exit(0));
}

await main();
