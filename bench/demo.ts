// Capacity of the reference system (demo/rbee) on this machine: what the load suite's 1000 and 5000 users
// are read against.
//   npx tsx bench/demo.ts            (about 7 minutes; --quick, about 3, for a shorter, noisier run)
// Rows: requests/s at fixed concurrency (non-streaming, 4 tokens); concurrent streams held open at once; and
// closed-loop users with think time (streaming, 16 tokens, 1 s mean think) at 1000 and 5000 users: the first
// must be within capacity (errors < 1%, nothing shed), the second must shed (429/503) rather than fall over.
// The demo runs with its defaults (4 workers, 20 ms a token, queen max 256 in flight + 512 queued); the load
// generator runs in this process, on the same 2 cores, as the suite's would. The 16-token streaming users are
// judged against the demo's CPU budget per request; then LT-001's own users (1000, 1 s think, 8 tokens in one
// JSON answer, as the load suite asks) run twice, quiet and beside a busy neighbour (one thread spinning: a core
// taken), each judged against LT-001's thresholds and a p95 target with headroom. Floor rows: the same streaming
// users against bench/bare-relay.cjs's processes in the demo's shape (workers alone, behind TCP pipes, behind
// splicing relays, behind node:http relays): what that shape costs here before any of the demo's logic.
//   npx tsx bench/demo.ts --only=users     (just those rows, with their verdicts)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type DemoRbee, startDemoRbee } from "../demo/rbee/start-demo.ts";
import { type Running, startBarePipes, startBareRelay } from "./bare-systems.ts";

const quick = process.argv.includes("--quick");
const HOLD_S = quick ? 8 : 20;
const RAMP_S = quick ? 4 : 10;

interface Tally {
  started: number;
  ok: number;
  shed: number;
  failed: number;
  latencies: number[];
  ttft: number[];
  statuses: Map<string, number>;
}
const tally = (): Tally => ({
  started: 0,
  ok: 0,
  shed: 0,
  failed: 0,
  latencies: [],
  ttft: [],
  statuses: new Map(),
});
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
/** LT-001's thresholds, and the CPU the demo may spend on one 16-token streamed request (queen + hive + worker). */
const LT001 = { errorRate: 0.01, p95Ms: 500, p99Ms: 1000 };
const TARGET = { p95Ms: 250, cpuMsPerRequest: 0.8 };
const HOG = fileURLToPath(new URL("../sdk/chaos/resource/builtin-hog.mjs", import.meta.url));

/** A busy neighbour: one thread spinning flat out (the built-in stressor's process, in no cgroup of ours). */
function busyNeighbour(): { stop: () => void } {
  const child = spawn(process.execPath, [HOG, "--cpu", "1", "--cpu-load", "100"], { stdio: "ignore" });
  return { stop: () => child.kill("SIGKILL") };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : "-");

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** One inference; records status, latency to the end of the body and time to the first body byte. */
function infer(url: string, t: Tally, maxTokens: number, stream: boolean, timeoutMs = 30_000): Promise<void> {
  t.started++;
  const started = performance.now();
  return new Promise((resolve) => {
    const payload = JSON.stringify({ prompt: "bench the bees", max_tokens: maxTokens, stream });
    const done = (key: string) => {
      clearTimeout(timer);
      t.statuses.set(key, (t.statuses.get(key) ?? 0) + 1);
      resolve();
    };
    const req = request(
      `${url}/v1/inference`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let first = true;
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (first) {
            first = false;
            t.ttft.push(performance.now() - started);
          }
          if (stream) body = (body + c).slice(-200);
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status === 200 && (!stream || body.includes("event: done"))) {
            t.ok++;
            t.latencies.push(performance.now() - started);
            done("200");
          } else if (status === 429 || status === 503) {
            t.shed++;
            done(String(status));
          } else {
            t.failed++;
            done(status === 200 ? "200+error" : String(status));
          }
        });
        res.on("error", () => {
          t.failed++;
          done("broken");
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error("timeout")), timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      t.failed++;
      done(err.message === "timeout" ? "timeout" : (err.code ?? "error"));
    });
    req.end(payload);
  });
}

/** CPU seconds used so far by a process and its children that are still listed (Linux /proc). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks / 100;
}

/** A second queen on the same hive, with first attempts on a keep-alive pool: the cost of fresh connections. */
async function keepAliveQueen(hiveUrl: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const queen = new URL("../demo/rbee/queen.ts", import.meta.url).pathname;
  const child = spawn(
    process.execPath,
    ["--import", import.meta.resolve("tsx"), queen, "--port", "0", "--hive-url", hiveUrl, "--keep-alive"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once("exit", () => reject(new Error("keep-alive queen exited")));
  });
  child.stdout.resume();
  return { url, pid: child.pid as number, stop: () => child.kill("SIGKILL") };
}

async function demoPids(demo: DemoRbee): Promise<number[]> {
  return [demo.queen.pid, demo.hive.pid, ...(await demo.workers()).map((w) => w.pid)];
}

/** Fixed concurrency, back to back, for `seconds`. */
async function fixedConcurrency(url: string, concurrency: number, seconds: number): Promise<Tally> {
  const t = tally();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await infer(url, t, 4, false);
    }),
  );
  return t;
}

/** `n` streams opened at once, each 250 tokens (5 s at 20 ms). */
async function heldStreams(url: string, n: number): Promise<Tally> {
  const t = tally();
  await Promise.all(Array.from({ length: n }, () => infer(url, t, 250, true, 60_000)));
  return t;
}

/**
 * Closed-loop users: ramp to `users` over RAMP_S, hold HOLD_S; each streams 16 tokens then thinks 0.5–1.5 s.
 * A space-separated `url` is a list the users are shared out among.
 */
async function users(
  url: string,
  users: number,
  ask: { tokens: number; stream: boolean } = { tokens: 16, stream: true },
): Promise<{ t: Tally; seconds: number }> {
  const t = tally();
  const started = Date.now();
  const end = started + (RAMP_S + HOLD_S) * 1000;
  const urls = url.split(" ");
  await Promise.all(
    Array.from({ length: users }, async (_, i) => {
      await sleep((i / users) * RAMP_S * 1000);
      while (Date.now() < end) {
        await infer(urls[i % urls.length], t, ask.tokens, ask.stream);
        await sleep(500 + Math.random() * 1000);
      }
    }),
  );
  return { t, seconds: (Date.now() - started) / 1000 };
}

const statusText = (t: Tally) =>
  [...t.statuses.entries()]
    .sort()
    .map(([k, v]) => `${k}:${v}`)
    .join(" ");

async function main(): Promise<void> {
  const demo = await startDemoRbee({
    workers: 4,
    queenPort: 0,
    hivePort: 0,
    workerBasePort: 0,
    loadTimeMs: 200,
  });
  const rows: string[] = [];
  const row = (cells: Array<string | number>) => rows.push(`| ${cells.join(" | ")} |`);
  try {
    console.log(`demo up: queen ${demo.queen.url}, 4 workers; logs in ${demo.logDir}`);

    row([
      "phase",
      "req/s",
      "ok",
      "shed 429/503",
      "errors",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "TTFT p95 ms",
      "demo CPU %",
      "demo CPU ms/ok",
      "load avg",
      "statuses",
    ]);
    row([
      "---",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---:",
      "---",
      "---",
    ]);
    const record = (name: string, t: Tally, seconds: number, cpu: number, load: string) => {
      row([
        name,
        f(t.ok / seconds),
        t.ok,
        t.shed,
        t.failed,
        f(pct(t.latencies, 50)),
        f(pct(t.latencies, 95)),
        f(pct(t.latencies, 99)),
        f(pct(t.ttft, 95)),
        f((cpu / seconds) * 100),
        f((cpu * 1000) / Math.max(1, t.ok), 2),
        load,
        statusText(t),
      ]);
      console.log(rows.at(-1));
    };
    const verdicts: string[] = [];
    const cmp = (x: number, limit: number) => `${f(x, 2)} ${x <= limit ? "<=" : ">"} ${limit}`;
    /** A 1000-user LT-001 row against LT-001's thresholds (errors over all answers, shed included) and the p95 target. */
    const judge = (name: string, t: Tally) => {
      const answers = t.ok + t.shed + t.failed;
      const errorRate = (t.shed + t.failed) / Math.max(1, answers);
      const p95 = pct(t.latencies, 95);
      const p99 = pct(t.latencies, 99);
      const lt001 = errorRate < LT001.errorRate && p95 < LT001.p95Ms && p99 < LT001.p99Ms;
      const lt = (x: number, limit: number, unit: string) =>
        `${f(x, unit === "%" ? 2 : 0)}${unit} ${x < limit ? "<" : ">="} ${limit}${unit}`;
      verdicts.push(
        `${name}: LT-001 thresholds ${lt001 ? "held" : "NOT held"} (errors ${lt(errorRate * 100, 1, "%")}, p95 ${lt(p95, LT001.p95Ms, " ms")}, p99 ${lt(p99, LT001.p99Ms, " ms")}); p95 ms ${cmp(p95, TARGET.p95Ms)}`,
      );
      console.log(verdicts.at(-1));
    };
    const judgeCpu = (name: string, cpuMs: number) => {
      // Above the target, say where the machine's own floor is measured: it can sit above the target too.
      const floor =
        cpuMs > TARGET.cpuMsPerRequest
          ? " (see the floor rows: the demo's shape with none of its logic)"
          : "";
      verdicts.push(`${name}: demo CPU ms per request ${cmp(cpuMs, TARGET.cpuMsPerRequest)}${floor}`);
      console.log(verdicts.at(-1));
    };
    let lastCpuMs = Number.NaN;
    const floors: string[] = [];
    const phase = async (
      name: string,
      run: () => Promise<Tally | { t: Tally; seconds: number }>,
      system?: Running,
    ) => {
      const pids = system ? system.pids : await demoPids(demo);
      const cpu0 = cpuSeconds(pids);
      const by0 = pids.map((p) => cpuSeconds([p]));
      const self0 = process.cpuUsage();
      const load0 = loadavg()[0];
      const t0 = Date.now();
      const out = await run();
      const seconds = (Date.now() - t0) / 1000;
      const t = "t" in out ? out.t : out;
      const cpu = cpuSeconds(pids) - cpu0;
      lastCpuMs = (cpu * 1000) / Math.max(1, t.ok);
      // The machine's 1-minute load average at the start and the end: CPU per request rises as the demo is starved.
      record(name, t, seconds, cpu, `${f(load0, 1)} → ${f(loadavg()[0], 1)}`);
      const by = pids.map((p, i) => f(((cpuSeconds([p]) - by0[i]) / seconds) * 100));
      const self = process.cpuUsage(self0);
      const generator = `load generator ${f(((self.user + self.system) / 1e6 / seconds) * 100)}`;
      console.log(
        system
          ? `  CPU % workers ${by.filter((_, i) => system.workerPids.includes(pids[i])).join("/")}, relays ${by.filter((_, i) => !system.workerPids.includes(pids[i])).join("/") || "-"}, ${generator}`
          : `  CPU % queen ${by[0]}, hive ${by[1]}, workers ${by.slice(2).join("/")}, ${generator}`,
      );
      await sleep(1000);
      return t;
    };

    const lt001 = { tokens: 8, stream: false };
    const lt001Rows = async () => {
      await phase("1000 users, think 1 s, 16 tokens", () => users(demo.queen.url, 1000));
      judgeCpu("1000 users streaming 16 tokens", lastCpuMs);
      // The same users against the floor: bench/bare-relay.cjs's workers (the demo's writes, none of its logic),
      // alone, then behind two relays where the queen and the hive are: TCP pipes (no HTTP), relays that route
      // each request and copy its bytes, and node:http relays (the queen's on a fresh connection, as the demo's).
      for (const [name, start] of [
        ["floor: 4 bare workers alone", () => startBarePipes(4, 0)],
        ["floor: 4 bare workers behind 2 TCP pipes", () => startBarePipes(4, 2)],
        ["floor: 4 bare workers behind 2 splicing relays", () => startBarePipes(4, 2, "splice")],
        ["floor: 4 bare workers behind 2 bare node:http relays", () => startBareRelay()],
      ] as const) {
        const bare = await start();
        try {
          await phase(`${name}, 1000 users, 16 tokens`, () => users(bare.url, 1000), bare);
          floors.push(`${name}: CPU ms per request ${f(lastCpuMs, 2)}`);
        } finally {
          await bare.stop();
        }
      }
      const quiet = await phase("LT-001: 1000 users, 8 tokens, JSON", () =>
        users(demo.queen.url, 1000, lt001),
      );
      judge("LT-001 quiet", quiet);
      const hog = busyNeighbour();
      try {
        const busy = await phase("LT-001 beside a busy neighbour (1 core)", () =>
          users(demo.queen.url, 1000, lt001),
        );
        judge("LT-001 beside a busy neighbour (one core spinning)", busy);
      } finally {
        hog.stop();
      }
    };
    const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7);
    if (only === "users") {
      await lt001Rows();
      console.log(`\n${rows.join("\n")}\n\n${verdicts.join("\n")}\n${floors.join("\n")}`);
      return;
    }
    for (const c of quick ? [50, 200] : [50, 100, 200, 400]) {
      await phase(`c=${c}, 4 tokens, JSON`, () => fixedConcurrency(demo.queen.url, c, quick ? 4 : 8));
    }
    for (const n of quick ? [500, 1500] : [250, 500, 1000, 1500, 2000]) {
      await phase(`${n} streams at once, 250 tokens`, () => heldStreams(demo.queen.url, n));
    }
    await lt001Rows();
    await phase("5000 users, think 1 s, 16 tokens", () => users(demo.queen.url, 5000));
    const ka = await keepAliveQueen(demo.hive.url);
    try {
      const cpu0 = cpuSeconds([ka.pid]);
      const t0 = Date.now();
      await phase("1000 users, queen --keep-alive", () => users(ka.url, 1000));
      const seconds = (Date.now() - t0) / 1000 - 1;
      console.log(`  CPU % of the keep-alive queen ${f(((cpuSeconds([ka.pid]) - cpu0) / seconds) * 100)}`);
    } finally {
      ka.stop();
    }
    const alive = (await demoPids(demo).catch(() => [])).length;
    const health = await fetch(`${demo.queen.url}/health`).then(
      (r) => r.json() as Promise<{ status: string }>,
    );
    const status = await fetch(`${demo.queen.url}/v1/status`).then(
      (r) => r.json() as Promise<{ totals: unknown }>,
    );
    console.log(`\nafter the run: ${alive} demo processes up, queen health ${health.status}`);
    console.log(`queen totals: ${JSON.stringify(status.totals)}`);
    console.log(`\n${rows.join("\n")}\n\n${verdicts.join("\n")}\n${floors.join("\n")}`);
  } finally {
    agent.destroy();
    await demo.stop();
  }
}

await main();
