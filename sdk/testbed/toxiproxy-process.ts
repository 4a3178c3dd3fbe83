// The embedded Toxiproxy, started as a child process of the runner: the proxy then has an event loop of its
// own, so that a load generator in the runner does not add its latency to every proxied byte (and the other way
// round). Stopped with the run; it dies with the runner if the runner is killed (stdin closes).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { HivestormError } from "../core/errors.ts";
import { nodeBinary } from "../core/node-binary.ts";

/** The standalone server: plain JavaScript, built on first use (see sdk/toxiproxy/bin.cjs). */
const BIN = fileURLToPath(new URL("../toxiproxy/bin.cjs", import.meta.url));

export interface ToxiproxyProcess {
  url: string;
  pid: number | undefined;
  close(): Promise<void>;
}

/**
 * The argv that starts `hivestorm-toxiproxy` on Node (this process's, or under Deno the `node` on PATH: its
 * flags are Node's V8's, which Deno's may not know): the Node flags of the bin's shebang line (so that they are
 * written once), then the bin.
 */
export function toxiproxyCommand(): string[] {
  const shebang = readFileSync(BIN, "utf8").split("\n", 1)[0];
  const flags = /\bnode((?:\s+--\S+)*)\s*$/.exec(shebang)?.[1].trim().split(/\s+/).filter(Boolean) ?? [];
  return [nodeBinary(), ...flags, BIN];
}

export async function startToxiproxyProcess(): Promise<ToxiproxyProcess> {
  const [node, ...args] = toxiproxyCommand();
  const child = spawn(node, [...args, "-host", "127.0.0.1", "-port", "0"], {
    stdio: ["pipe", "pipe", "pipe"],
    // Upstream logs every API request at debug level; nobody reads these logs here.
    env: { LOG_LEVEL: "warn", ...process.env, HIVESTORM_EXIT_WITH_PARENT: "1" },
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail("did not start within 30 s"), 30_000);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(
        new HivestormError("E_TOXIPROXY", `the embedded Toxiproxy ${why}`, {
          found: output.trim() || "no output",
        }),
      );
    };
    child.stdout.on("data", (d) => {
      output += d;
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    child.once("exit", (code) => fail(`exited with code ${code}`));
  });
  child.stdout.removeAllListeners("data");
  child.stdout.resume();
  return {
    url,
    pid: child.pid,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
