// The embedded Toxiproxy, started as a child process of the runner: the proxy then has an event loop of its
// own, so that a load generator in the runner does not add its latency to every proxied byte (and the other way
// round). Stopped with the run; it dies with the runner if the runner is killed (stdin closes).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { HivestormError } from "../core/errors.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/toxiproxy-server.ts", import.meta.url));

export interface ToxiproxyProcess {
  url: string;
  pid: number | undefined;
  close(): Promise<void>;
}

/**
 * The server bundled to one plain-JavaScript file with esbuild: without the tsx loader it needs about 25 MB
 * less (66 MB with 1000 open connections instead of 92, bench/README.md). Falls back to tsx if bundling fails.
 */
async function serverArgv(): Promise<{ argv: string[]; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-toxiproxy-"));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const outfile = join(dir, "toxiproxy-server.mjs");
  try {
    await build({
      entryPoints: [SCRIPT],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "silent",
    });
    return { argv: [outfile], cleanup };
  } catch {
    cleanup();
    return { argv: ["--import", "tsx", SCRIPT], cleanup: () => {} };
  }
}

export async function startToxiproxyProcess(): Promise<ToxiproxyProcess> {
  const server = await serverArgv();
  const child = spawn(process.execPath, [...server.argv, "-host", "127.0.0.1", "-port", "0"], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, HIVESTORM_EXIT_WITH_PARENT: "1" },
  });
  const exited = new Promise<void>((r) =>
    child.once("exit", () => {
      server.cleanup();
      r();
    }),
  );
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
