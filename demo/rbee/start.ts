// CLI: `npx tsx demo/rbee/start.ts [--workers 4] [--hive-url URL] [--bug NAME]...`: starts queen, hive and
// workers, prints their addresses, and stops them all on SIGINT or SIGTERM.
import { bugProblems } from "./lib/bugs.ts";
import { helpText, intFlag, listFlag, parseFlags, stringFlag } from "./lib/flags.ts";
import { exitOnBadInput } from "./lib/listen.ts";
import { startDemoRbee } from "./start-demo.ts";

const START_FLAGS = {
  workers: intFlag(4, "workers the hive spawns and keeps alive", 0, 64),
  queenPort: intFlag(8081, "queen port; 0 picks a free one", 0, 65535),
  hivePort: intFlag(9201, "hive port; 0 picks a free one", 0, 65535),
  workerBasePort: intFlag(9300, "worker i on base + i; 0 gives ephemeral ports", 0, 65535),
  hiveUrl: stringFlag(
    "",
    "what the queen uses to reach the hive (e.g. Toxiproxy on :9200); default the hive",
  ),
  logDir: stringFlag("", "log directory (default a new temp dir)", ["RBEE_LOG_DIR"]),
  cacheDir: stringFlag("", "the hive's model cache (default a new temp dir)"),
  tokenDelayMs: intFlag(20, "pause before each token", 0, 60_000),
  loadMs: intFlag(1000, "worker model load time", 0, 600_000),
  bug: listFlag("bug switch, repeatable (see demo/rbee/README.md)", ["RBEE_BUGS"]),
};

if (process.argv.includes("--help")) {
  process.stdout.write(helpText("start", "RBEE", START_FLAGS));
  process.exit(0);
}
let flags: ReturnType<typeof parseFlags<typeof START_FLAGS>>;
try {
  flags = parseFlags("start", "RBEE", START_FLAGS, process.argv.slice(2), process.env, (v) =>
    bugProblems(v.bug ?? []),
  );
} catch (err) {
  exitOnBadInput(err);
}

const demo = await startDemoRbee({
  workers: flags.workers,
  queenPort: flags.queenPort,
  hivePort: flags.hivePort,
  workerBasePort: flags.workerBasePort,
  hiveUrl: flags.hiveUrl || undefined,
  logDir: flags.logDir || undefined,
  cacheDir: flags.cacheDir || undefined,
  tokenDelayMs: flags.tokenDelayMs,
  loadTimeMs: flags.loadMs,
  bugs: flags.bug,
});
const workers = await demo.workers();
process.stdout.write(
  [
    `queen   ${demo.queen.url}  pid ${demo.queen.pid}`,
    `hive    ${demo.hive.url}  pid ${demo.hive.pid}`,
    ...workers.map((w) => `worker  ${w.url}  pid ${w.pid}  ${w.id}`),
    `logs    ${demo.logDir}`,
    `bugs    ${flags.bug.length > 0 ? flags.bug.join(", ") : "none"}`,
    "",
  ].join("\n"),
);
let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping\n`);
  void demo.stop().then(() => process.exit(0));
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
