import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DemoInputError } from "../../../demo/rbee/lib/flags.ts";
import { startDemoRbee } from "../../../demo/rbee/start-demo.ts";
import { alive, http, json, removeLater, tempDir, waitFor } from "./helpers.ts";

const START = fileURLToPath(new URL("../../../demo/rbee/start.ts", import.meta.url));

describe("startDemoRbee and start.ts", { concurrency: true, timeout: 90_000 }, () => {
  test("startDemoRbee: queen, hive and workers up; stop() leaves no process, even with ignore-sigterm", async () => {
    const demo = await startDemoRbee({
      workers: 2,
      queenPort: 0,
      hivePort: 0,
      workerBasePort: 0,
      loadTimeMs: 100,
      tokenDelayMs: 5,
      bugs: ["ignore-sigterm"],
      workerEnv: { WORKER_GRACE_MS: "300" },
    });
    let pids: number[] = [];
    try {
      const workers = await demo.workers();
      assert.equal(workers.length, 2);
      assert.ok(workers.every((w) => w.state === "ready"));
      pids = [demo.queen.pid, demo.hive.pid, ...workers.map((w) => w.pid)];
      assert.ok(pids.every(alive));
      const r = await http("POST", `${demo.queen.url}/v1/inference`, { prompt: "x", max_tokens: 3 });
      assert.equal(r.status, 200);
      assert.ok(demo.logFiles.some((f) => f.endsWith("queen.jsonl")));
      assert.ok(demo.logFiles.filter((f) => /worker-\d+\.jsonl$/.test(f)).length === 2);
    } finally {
      await demo.stop();
      removeLater(demo.logDir);
    }
    assert.ok(await waitFor(() => pids.every((p) => !alive(p)), 3000), "every process is gone");
  });

  test("startDemoRbee: bad options are one error listing every problem, and nothing starts", async () => {
    await assert.rejects(
      startDemoRbee({ workers: -1, queenPort: 70000, bugs: ["segfault"], hiveUrl: "ftp://x" }),
      (err: unknown) => {
        assert.ok(err instanceof DemoInputError);
        assert.equal(err.problems.length, 4);
        return true;
      },
    );
  });

  test("start.ts prints the addresses and stops everything on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        START,
        "--workers",
        "1",
        "--queen-port",
        "0",
        "--hive-port",
        "0",
        "--worker-base-port",
        "0",
        "--load-ms",
        "100",
        "--log-dir",
        tempDir("demo-start-"),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      let out = "";
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
      });
      assert.ok(await waitFor(() => out.includes("bugs "), 30_000), `printed: ${out}`);
      const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
      assert.equal(pids.length, 3);
      const queenUrl = /queen\s+(http:\S+)/.exec(out)?.[1] as string;
      assert.equal(json(await http("GET", `${queenUrl}/health`)).status, "ok");
      child.kill("SIGTERM");
      assert.equal(await exited, 0);
      assert.ok(await waitFor(() => pids.every((p) => !alive(p)), 3000), "children stopped");
    } finally {
      child.kill("SIGKILL");
    }
  });
});
