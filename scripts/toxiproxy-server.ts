// A standalone Toxiproxy-compatible server with upstream's flags:
//   npx tsx scripts/toxiproxy-server.ts -host 127.0.0.1 -port 8474 [-config proxies.json] [-allow-non-loopback]
import { parseServerFlags, usage } from "../sdk/toxiproxy/cli-flags.ts";
import { startToxiproxy, TOXIPROXY_VERSION } from "../sdk/toxiproxy/index.ts";

// A closed stdout (a parent that stopped reading) must not turn a clean shutdown into an EPIPE crash.
process.stdout.on("error", () => {});

let flags: ReturnType<typeof parseServerFlags>;
try {
  flags = parseServerFlags(process.argv.slice(2));
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

try {
  const server = await startToxiproxy({
    host: flags.host,
    port: flags.port,
    config: flags.config,
    allowNonLoopback: flags.allowNonLoopback,
  });
  process.stdout.write(`toxiproxy-server ${TOXIPROXY_VERSION} API listening on ${server.url}\n`);
  const stop = (signal: string) => {
    process.stdout.write(`${signal}: closing every proxy\n`);
    server.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  // Started by hivestorm's runner: go when the runner goes, even if it was SIGKILLed (its end of stdin closes).
  if (process.env.HIVESTORM_EXIT_WITH_PARENT === "1") {
    process.stdin.on("end", () => stop("parent gone"));
    process.stdin.on("error", () => stop("parent gone"));
    process.stdin.resume();
  }
} catch (error) {
  process.stderr.write(`toxiproxy-server: ${(error as Error).message}\n`);
  process.exit(1);
}
