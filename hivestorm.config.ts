// The system the suite runs against: the bundled rbee demo (demo/rbee), on loopback, with the Toxiproxy in
// front of the queen (clients → :8080 → queen :8081) and of the hive (queen → :9200 → hive :9201), as in the
// rbee plan. HIVESTORM_PORT_OFFSET shifts every port, so that two runs can share a machine.
// Point the suite at your own system with --config FILE (see docs/system.md).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BUG_NAMES } from "./demo/rbee/lib/bugs.ts";
import { defineSystem, nodeBinary } from "./sdk/index.ts";

/** The switches --demo-bug takes: an unknown one is refused with this list before anything starts. */
export const knownFlags = BUG_NAMES;

const offset = Number(process.env.HIVESTORM_PORT_OFFSET ?? 0);
const port = (p: number) => String(p + offset);
const node = (file: string, ...args: string[]) => [nodeBinary(), "--import", "tsx", file, ...args];
// --target docker: the same services from the image that scripts/build-images.ts builds (host network, same
// ports); the hive's workers are containers of their own, so that killing a worker is killing a container.
const IMAGE = "hivestorm/node:local";
const WORKERS = 4;
const app = (name: string, ...args: string[]) => ["node", `/app/${name}.mjs`, ...args];

export default defineSystem(({ flags, logDir, target, root, compose }) => {
  const bugs = flags.flatMap((b) => ["--bug", b]);
  const hiveUrl = `http://127.0.0.1:${port(9201)}`;
  const cacheDir = join(tmpdir(), `hivestorm-rbee-cache-${port(9201)}`);
  const workers = { count: WORKERS, name: `hivestorm-worker-${port(9300)}` };
  const status = async () => {
    const res = await fetch(`http://127.0.0.1:${port(8081)}/v1/status`, {
      signal: AbortSignal.timeout(2000),
    });
    return ((await res.json()) as { totals: { retried: number } }).totals;
  };
  // --compose demo/rbee/docker-compose.yml: the same services from that file (see docs/system.md); these are
  // the variables it reads, so that its ports, folders and container names are the ones declared here.
  const composeEnv = {
    HIVESTORM_PORT_OFFSET: String(offset),
    RBEE_HIVE_PORT: port(9201),
    RBEE_HIVE_PROXY_PORT: port(9200),
    RBEE_QUEEN_PORT: port(8081),
    ...Object.fromEntries(
      Array.from({ length: WORKERS }, (_, s) => [`RBEE_WORKER_PORT_${s}`, port(9300 + s)]),
    ),
    RBEE_WORKERS: workers.name,
    RBEE_LOG_DIR: logDir,
    RBEE_CACHE_DIR: cacheDir,
    RBEE_BUGS: flags.join(","),
  };
  return {
    name: compose ? `rbee demo (${compose})` : "rbee demo (demo/rbee)",
    ...(compose ? { compose: { file: compose, env: composeEnv } } : {}),
    // The roles the built-in scenarios act on: the queen is the public API, the hive sits behind it (with a
    // proxy between them) and owns the pool of workers.
    roles: { gateway: "queen", backend: "hive", workers: "hive" },
    services: {
      hive: {
        command: node(
          "demo/rbee/hive.ts",
          ...["--port", port(9201), "--spawn", "4", "--worker-base-port", port(9300), "--log-dir", logDir],
          ...["--cache-dir", cacheDir],
          ...bugs,
        ),
        url: hiveUrl,
        dataDir: cacheDir,
        // Read by the worker-crash scenarios (requests routed to a worker after its eviction).
        logFiles: [join(logDir, "hive.jsonl")],
        proxy: { listen: `127.0.0.1:${port(9200)}` },
        apis: ["rbee-hive"],
        instances: async () => {
          const res = await fetch(`${hiveUrl}/v1/workers`, { signal: AbortSignal.timeout(5000) });
          const list = (
            (await res.json()) as {
              workers: { id: string; pid: number; url: string; state: string; slot: number }[];
            }
          ).workers;
          // In containers a worker's pid is its namespace's: the container (by slot) is what faults act on.
          return target === "docker"
            ? list.map((w) => ({ ...w, pid: undefined, container: `${workers.name}-${w.slot}` }))
            : list;
        },
        docker: {
          image: IMAGE,
          cmd: app(
            "hive",
            ...["--port", port(9201), "--spawn", "0", "--log-dir", logDir, "--cache-dir", cacheDir],
            ...bugs,
          ),
          // The bundled hive resolves the tsx loader at start-up (for --spawn, unused here): give it one.
          binds: [`${cacheDir}:${cacheDir}`, `${join(root, "node_modules/tsx")}:/app/node_modules/tsx:ro`],
          replicas: {
            ...workers,
            cmd: (slot) =>
              app(
                "worker",
                ...["--port", port(9300 + slot), "--hive-url", hiveUrl, "--slot", String(slot)],
                ...["--log-dir", logDir],
                ...bugs,
              ),
          },
        },
      },
      queen: {
        command: node(
          "demo/rbee/queen.ts",
          ...["--port", port(8081), "--hive-url", `http://127.0.0.1:${port(9200)}`, "--log-dir", logDir],
          ...bugs,
        ),
        docker: {
          image: IMAGE,
          cmd: app(
            "queen",
            ...["--port", port(8081), "--hive-url", `http://127.0.0.1:${port(9200)}`, "--log-dir", logDir],
            ...bugs,
          ),
        },
        url: `http://127.0.0.1:${port(8081)}`,
        proxy: { listen: `127.0.0.1:${port(8080)}` },
        apis: ["rbee-queen"],
        // Its own count of retried attempts: NF-003/NF-005 prove with it that their fault bit.
        counters: { retries: async () => (await status()).retried },
      },
    },
    traffic: {
      service: "queen",
      method: "POST",
      path: "/v1/inference",
      body: { prompt: "Say hello", max_tokens: 8, stream: false },
      // scenarios that stream their traffic (trafficStream: true) ask the queen for its SSE stream
      stream: { kind: "sse", body: { prompt: "Say hello", max_tokens: 8, stream: true } },
      rate: 20,
      timeout: "10s",
    },
  };
});
