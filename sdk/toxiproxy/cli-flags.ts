// Upstream toxiproxy-server's flags, parsed as Go's flag package does: -flag value, -flag=value, --flag, and
// bare boolean flags. Every problem is reported at once.
import { ValidationError } from "../core/errors.ts";

export interface ServerFlags {
  host: string;
  port: number;
  config?: string;
  allowNonLoopback: boolean;
  proxyMetrics: boolean;
  runtimeMetrics: boolean;
  version: boolean;
  help: boolean;
}

type Kind = "string" | "port" | "int" | "bool";

const FLAGS: Record<string, { kind: Kind; usage: string }> = {
  host: { kind: "string", usage: 'Host for toxiproxy\'s API to listen on (default "localhost")' },
  port: { kind: "port", usage: 'Port for toxiproxy\'s API to listen on (default "8474")' },
  config: { kind: "string", usage: "JSON file containing proxies to create on startup" },
  seed: { kind: "int", usage: "Seed for randomizing toxics with (accepted and ignored, as upstream)" },
  "allow-non-loopback": {
    kind: "bool",
    usage: "Allow proxies whose upstream is outside 127.0.0.0/8 and ::1",
  },
  "proxy-metrics": { kind: "bool", usage: 'enable toxiproxy-specific prometheus metrics (default "false")' },
  "runtime-metrics": { kind: "bool", usage: 'enable runtime-related prometheus metrics (default "false")' },
  version: { kind: "bool", usage: "Print the version and exit" },
  help: { kind: "bool", usage: "Print this help and exit" },
};

export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, f]) => {
    const arg = f.kind === "bool" ? "" : f.kind === "string" ? " string" : " value";
    return `  -${name}${arg}\n    \t${f.usage}`;
  });
  return `Usage of toxiproxy-server:\n${lines.join("\n")}\n`;
}

/** Parses argv (without node and the script). Throws ValidationError naming every bad flag. */
export function parseServerFlags(argv: readonly string[]): ServerFlags {
  const out: ServerFlags = {
    host: "localhost",
    port: 8474,
    allowNonLoopback: false,
    proxyMetrics: false,
    runtimeMetrics: false,
    version: false,
    help: false,
  };
  const problems: { path: string; message: string }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--?([^=]+)(?:=(.*))?$/s.exec(arg);
    if (m === null || arg === "-" || arg === "--") {
      problems.push({ path: arg, message: "unexpected argument: this server takes flags only" });
      continue;
    }
    const name = m[1] === "h" ? "help" : m[1];
    let value = m[2];
    const flag = FLAGS[name];
    if (flag === undefined) {
      problems.push({ path: `-${name}`, message: "flag provided but not defined" });
      continue;
    }
    if (flag.kind === "bool") {
      if (value !== undefined && !/^(1|0|t|f|true|false|TRUE|FALSE|True|False)$/.test(value)) {
        problems.push({ path: `-${name}`, message: `invalid boolean value ${JSON.stringify(value)}` });
        continue;
      }
      const on = value === undefined || /^(1|t|true|TRUE|True)$/.test(value);
      if (name === "allow-non-loopback") out.allowNonLoopback = on;
      else if (name === "proxy-metrics") out.proxyMetrics = on;
      else if (name === "runtime-metrics") out.runtimeMetrics = on;
      else if (name === "version") out.version = on;
      else out.help = on;
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) {
        problems.push({ path: `-${name}`, message: "flag needs an argument" });
        continue;
      }
      value = argv[++i];
    }
    if (flag.kind === "port") {
      const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(port >= 0 && port <= 65535))
        problems.push({
          path: "-port",
          message: `expected a port from 0 to 65535, found ${JSON.stringify(value)}`,
        });
      else out.port = port;
    } else if (flag.kind === "int") {
      if (!/^-?\d+$/.test(value))
        problems.push({ path: `-${name}`, message: `expected an integer, found ${JSON.stringify(value)}` });
    } else if (name === "host") {
      if (value === "")
        problems.push({ path: "-host", message: "expected a host name or address, found an empty string" });
      else out.host = value;
    } else out.config = value;
  }
  if (problems.length > 0)
    throw new ValidationError("toxiproxy-server flags", problems, "run with -help for the list of flags");
  return out;
}
