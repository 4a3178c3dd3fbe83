// Entry point: `npx tsx demo/rbee/queen.ts --port 8081 --hive-url http://127.0.0.1:9201`.
import { join } from "node:path";
import { Bugs, bugProblems } from "./lib/bugs.ts";
import { boolFlag, helpText, intFlag, listFlag, parseFlags, stringFlag } from "./lib/flags.ts";
import { exitOnBadInput, exitWithParent } from "./lib/listen.ts";
import { Logger } from "./lib/log.ts";
import { startQueen } from "./queen/server.ts";

export const QUEEN_FLAGS = {
  port: intFlag(8081, "port to listen on; 0 picks a free one", 0, 65535),
  host: stringFlag("127.0.0.1", "address to listen on"),
  hiveUrl: stringFlag("http://127.0.0.1:9201", "the hive, or the Toxiproxy in front of it"),
  connectTimeoutMs: intFlag(1000, "connect timeout to the hive", 1),
  firstByteTimeoutMs: intFlag(3000, "time to the first token from the hive (not retried)", 1),
  idleTimeoutMs: intFlag(5000, "longest silence between two tokens", 1),
  totalTimeoutMs: intFlag(60_000, "longest request, queue wait excluded", 1),
  keepAlive: boolFlag(
    "first attempts reuse a keep-alive pool to the hive (default: a fresh connection each)",
  ),
  retries: intFlag(3, "retries before the first token (on connect errors, resets, 502, 503)", 0, 16),
  maxInflight: intFlag(256, "requests forwarded to the hive at once", 1),
  maxQueue: intFlag(512, "requests waiting for a slot; beyond that 429", 0),
  queueTimeoutMs: intFlag(5000, "longest wait for a slot; beyond that 503", 1),
  maxTokens: intFlag(4096, "largest max_tokens accepted", 1),
  healthCheckTimeoutMs: intFlag(
    2000,
    "bound of the hive check behind GET /health (which waits 300 ms at most)",
    1,
  ),
  logFile: stringFlag("", "JSON-lines log file; default <log-dir>/queen.jsonl, or stderr"),
  logDir: stringFlag("", "directory for the default log file", ["RBEE_LOG_DIR"]),
  bug: listFlag("bug switch, repeatable (see README)", ["RBEE_BUGS"]),
};

async function main(): Promise<void> {
  if (process.argv.includes("--help")) {
    process.stdout.write(helpText("queen", "QUEEN", QUEEN_FLAGS));
    return;
  }
  let flags: ReturnType<typeof parseFlags<typeof QUEEN_FLAGS>>;
  try {
    flags = parseFlags("queen", "QUEEN", QUEEN_FLAGS, process.argv.slice(2), process.env, (v) => [
      ...bugProblems(v.bug ?? []),
      ...(v.hiveUrl !== undefined && !/^http:\/\/[^/]+$/.test(v.hiveUrl.replace(/\/$/, ""))
        ? [`--hive-url: expected http://HOST:PORT, found ${JSON.stringify(v.hiveUrl)}`]
        : []),
    ]);
  } catch (err) {
    exitOnBadInput(err);
  }
  const log = new Logger("queen", flags.logFile || (flags.logDir ? join(flags.logDir, "queen.jsonl") : ""));
  let queen: Awaited<ReturnType<typeof startQueen>> | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.event("signal", { signal });
    void (queen?.stop() ?? Promise.resolve()).then(() => {
      log.close();
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  exitWithParent(() => stop("parent gone"));
  // Handlers first, then the server: a signal in between must not take the default action.
  queen = await startQueen({ ...flags, hiveUrl: flags.hiveUrl.replace(/\/$/, "") }, new Bugs(flags.bug), log);
  if (stopping) void queen.stop().then(() => process.exit(0));
}

await main();
