// The standalone server's main, with upstream's flags and environment: `-host`, `-port`, `-config`,
// `-proxy-metrics`, `-runtime-metrics`, `-version`, LOG_LEVEL, JSON log lines on stdout. It also prints one plain
// line, "toxiproxy-server <version> API listening on <url>", whatever LOG_LEVEL says, for whoever started it.
// Run by `hivestorm-toxiproxy` (bin.cjs, plain JavaScript) and by scripts/toxiproxy-server.ts.
import { parseServerFlags, usage } from "./cli-flags.ts";
import { jsonLogger } from "./log.ts";
import { startToxiproxy, TOXIPROXY_VERSION } from "./server.ts";

/** Runs the server until SIGINT / SIGTERM (or, with HIVESTORM_EXIT_WITH_PARENT=1, until stdin closes). */
export async function runToxiproxyServer(argv: readonly string[]): Promise<void> {
  // A closed stdout (a parent that stopped reading) must not turn a clean shutdown into an EPIPE crash.
  process.stdout.on("error", () => {});
  let flags: ReturnType<typeof parseServerFlags>;
  try {
    flags = parseServerFlags(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(usage());
    process.exit(0);
  }
  if (flags.version) {
    process.stdout.write(`toxiproxy-server version ${TOXIPROXY_VERSION}\n`);
    process.exit(0);
  }
  const logger = jsonLogger((line) => process.stdout.write(line), process.env.LOG_LEVEL);
  logger.log("info", { version: TOXIPROXY_VERSION }, "Starting Toxiproxy");
  try {
    const server = await startToxiproxy({
      host: flags.host,
      port: flags.port,
      config: flags.config,
      allowNonLoopback: flags.allowNonLoopback,
      proxyMetrics: flags.proxyMetrics,
      runtimeMetrics: flags.runtimeMetrics,
      logger,
    });
    process.stdout.write(`toxiproxy-server ${TOXIPROXY_VERSION} API listening on ${server.url}\n`);
    const stop = () => {
      logger.log("info", {}, "Shutdown started");
      server.close().then(() => process.exit(0));
    };
    process.once("SIGINT", () => stop());
    process.once("SIGTERM", () => stop());
    // Started by hivestorm's runner: go when the runner goes, even if it was SIGKILLed (its end of stdin closes).
    if (process.env.HIVESTORM_EXIT_WITH_PARENT === "1") {
      process.stdin.on("end", () => stop());
      process.stdin.on("error", () => stop());
      process.stdin.resume();
    }
  } catch (error) {
    process.stderr.write(`toxiproxy-server: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
