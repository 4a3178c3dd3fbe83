// Starts a run's dead-man switch (watchdog-main.ts) and stops it once the run has settled its ledger. The
// watchdog is bundled to one plain-JavaScript file first, so that it has every reaper loaded before the run
// starts anything, and reacts within its bound when the run dies.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { HivestormError } from "../core/errors.ts";
import { nodeBinary } from "../core/node-binary.ts";
import { type ProcessRef, processRef } from "../core/process-identity.ts";

const MAIN = fileURLToPath(new URL("./watchdog-main.ts", import.meta.url));
// Inside the project, so that the bundle's externals (dockerode's optional ssh2) resolve from node_modules.
const CACHE = fileURLToPath(new URL("../../node_modules/.cache/", import.meta.url));

export interface Watchdog {
  ref: ProcessRef;
  /** Tells the watchdog the run settled everything, and waits for it to exit. */
  stop(): Promise<void>;
  /** Leaves it watching (it settles the ledger once this process exits) and lets this process exit. */
  release(): void;
}

async function argv(): Promise<{ args: string[]; dir?: string }> {
  let dir: string;
  try {
    mkdirSync(CACHE, { recursive: true });
    removeStaleBundles();
    dir = mkdtempSync(join(CACHE, "hivestorm-watchdog-"));
  } catch {
    return { args: ["--import", "tsx", MAIN] };
  }
  const outfile = join(dir, "watchdog.mjs");
  try {
    await build({
      entryPoints: [MAIN],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      logLevel: "silent",
      // dockerode's optional native helpers are not needed to remove a container.
      external: ["cpu-features", "ssh2"],
      banner: {
        js: "import { createRequire as __hivestormRequire } from 'node:module'; const require = __hivestormRequire(import.meta.url);",
      },
    });
    return { args: [outfile], dir };
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return { args: ["--import", "tsx", MAIN] };
  }
}

/**
 * A watchdog removes its bundle as soon as it has loaded it; one that is older than a minute belongs to a run
 * killed while it was starting its watchdog.
 */
function removeStaleBundles(): void {
  for (const name of readdirSync(CACHE)) {
    if (!name.startsWith("hivestorm-watchdog-")) continue;
    const path = join(CACHE, name);
    try {
      if (Date.now() - statSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed meanwhile
    }
  }
}

export async function startWatchdog(file: string): Promise<Watchdog> {
  const bundled = await argv();
  try {
    return await launch(file, bundled.args, bundled.dir);
  } catch (error) {
    if (!bundled.dir) throw error;
    // A bundle that does not run (a dependency esbuild could not flatten): the sources, through tsx.
    return launch(file, ["--import", "tsx", MAIN]);
  }
}

async function launch(file: string, args: string[], dir?: string): Promise<Watchdog> {
  // On Node whatever runs the run: a watchdog on Deno was seen to exit with a Deno run, settling nothing.
  const child = spawn(nodeBinary(), [...args, file, String(process.pid), ...(dir ? [dir] : [])], {
    stdio: ["pipe", "pipe", "inherit"],
    detached: true,
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      if (dir) rmSync(dir, { recursive: true, force: true });
      reject(
        new HivestormError("E_WATCHDOG", `the run's watchdog ${why}`, {
          found: output.trim() || "no output",
        }),
      );
    };
    const timer = setTimeout(() => fail("did not start within 20 s"), 20_000);
    child.stdout!.on("data", (d) => {
      output += d;
      if (output.includes("ready\n")) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve();
      }
    });
    child.once("exit", (code) => fail(`exited with code ${code} while starting`));
  });
  child.stdout!.removeAllListeners("data");
  child.stdout!.resume();
  // Neither the watchdog nor its pipes keep this process alive.
  child.unref();
  for (const s of [child.stdin, child.stdout] as unknown as { unref?: () => void }[]) s?.unref?.();
  child.stdin!.on("error", () => {});
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    ref: processRef(child.pid!),
    release: () => {},
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end("settled\n");
      const t = setTimeout(() => child.kill("SIGKILL"), 2000);
      await exited;
      clearTimeout(t);
    },
  };
}
