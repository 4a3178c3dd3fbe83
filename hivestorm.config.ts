// The system the suite runs against: the bundled rbee demo (demo/rbee), on loopback, with the Toxiproxy in
// front of the queen (clients → :8080 → queen :8081) and of the hive (queen → :9200 → hive :9201), as in the
// rbee plan. HIVESTORM_PORT_OFFSET shifts every port, so that two runs can share a machine.
// Point the suite at your own system with --config FILE (see docs/system.md).
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineSystem } from "./sdk/index.ts";

const offset = Number(process.env.HIVESTORM_PORT_OFFSET ?? 0);
const port = (p: number) => String(p + offset);
const node = (file: string, ...args: string[]) => [process.execPath, "--import", "tsx", file, ...args];

export default defineSystem(({ demoBugs, logDir }) => {
  const bugs = demoBugs.flatMap((b) => ["--bug", b]);
  const hiveUrl = `http://127.0.0.1:${port(9201)}`;
  const cacheDir = join(tmpdir(), `hivestorm-rbee-cache-${port(9201)}`);
  return {
    name: "rbee demo (demo/rbee)",
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
        instances: async () => {
          const res = await fetch(`${hiveUrl}/v1/workers`, { signal: AbortSignal.timeout(2000) });
          return (
            (await res.json()) as { workers: { id: string; pid: number; url: string; state: string }[] }
          ).workers;
        },
      },
      queen: {
        command: node(
          "demo/rbee/queen.ts",
          ...["--port", port(8081), "--hive-url", `http://127.0.0.1:${port(9200)}`, "--log-dir", logDir],
          ...bugs,
        ),
        url: `http://127.0.0.1:${port(8081)}`,
        proxy: { listen: `127.0.0.1:${port(8080)}` },
      },
    },
    traffic: {
      service: "queen",
      method: "POST",
      path: "/v1/inference",
      body: { prompt: "Say hello", max_tokens: 8, stream: false },
      rate: 20,
      timeout: "10s",
    },
  };
});
