// The floor under the demo: bench/bare-relay.cjs's processes put together in the demo's shape or parts of it,
// for bench/demo-cpu.ts and bench/demo.ts to measure beside the demo under the same load.
import { spawn } from "node:child_process";

export interface Running {
  url: string;
  pids: number[];
  /** The processes that write the tokens (the last hop), a subset of `pids`. */
  workerPids: number[];
  stop: () => Promise<void>;
}

/** One process of bench/bare-relay.cjs, once it listens. */
function startBare(args: string[]): Promise<{ port: number; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [new URL("./bare-relay.cjs", import.meta.url).pathname, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, BARE_EXIT_WITH_PARENT: "1" },
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bare-relay ${args.join(" ")} exited ${code}`)));
    child.stdout.once("data", (d: Buffer) => {
      const port = Number(/listening (\d+)/.exec(String(d))?.[1]);
      resolve({ port, pid: child.pid ?? 0, stop });
    });
  });
}

/** Four bare workers, a bare hive and a bare queen: the demo's hops and writes, none of its logic. */
export async function startBareRelay(relays = 2, pooled = false, hiveRole = "hive"): Promise<Running> {
  const started: Array<{ port: number; pid: number; stop: () => Promise<void> }> = [];
  try {
    for (let i = 0; i < 4; i++) started.push(await startBare(["worker", "0"]));
    const workers = started.map((w) => w.port).join(",");
    const hive = await startBare([hiveRole, "0", workers]);
    started.push(hive);
    if (relays > 1) started.push(await startBare([pooled ? "hive" : "queen", "0", String(hive.port)]));
    return {
      url: `http://127.0.0.1:${started[started.length - 1].port}`,
      pids: started.map((p) => p.pid),
      workerPids: started.slice(0, 4).map((p) => p.pid),
      stop: async () => {
        await Promise.all(started.map((p) => p.stop()));
      },
    };
  } catch (e) {
    await Promise.all(started.map((p) => p.stop()));
    throw e;
  }
}

/**
 * `workers` bare workers behind `pipes` relays in a row: TCP pipes (`pipe`: no HTTP, a connection to one worker
 * for good) or splicing relays (`splice`: each request routed, its bytes copied): the least relays can add.
 * With no relay, the workers alone, the load shared out among them.
 */
export async function startBarePipes(workers: number, pipes: number, role = "pipe"): Promise<Running> {
  const started: Array<{ port: number; pid: number; stop: () => Promise<void> }> = [];
  try {
    for (let i = 0; i < workers; i++) started.push(await startBare(["worker", "0"]));
    let upstream = started.map((w) => w.port).join(",");
    for (let i = 0; i < pipes; i++) {
      const pipe = await startBare([role, "0", upstream]);
      started.push(pipe);
      upstream = String(pipe.port);
    }
    return {
      // With no relay in front, the load is shared out among the workers (a space-separated list).
      url: upstream
        .split(",")
        .map((port) => `http://127.0.0.1:${port}`)
        .join(" "),
      pids: started.map((p) => p.pid),
      workerPids: started.slice(0, workers).map((p) => p.pid),
      stop: async () => {
        await Promise.all(started.map((p) => p.stop()));
      },
    };
  } catch (e) {
    await Promise.all(started.map((p) => p.stop()));
    throw e;
  }
}
