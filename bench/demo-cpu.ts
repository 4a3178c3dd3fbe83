// The demo's CPU per request, as CPU time (less load-sensitive than latency or requests/s): a fixed number of
// requests at a fixed concurrency, the CPU the demo's processes used for them (/proc/<pid>/stat) less what they
// use idle (heartbeats, health checks) over the same time. The demo as it ships, side by side with one variant
// in alternating rounds, so that both see the same machine:
//   npx tsx bench/demo-cpu.ts                              (every token written on its own, --stream-interval-ms 0)
//   npx tsx bench/demo-cpu.ts --vs keep-alive              (first attempts of the queen on a keep-alive pool)
//   npx tsx bench/demo-cpu.ts --vs bare-relay              (the floor: three bare Node HTTP hops, bench/bare-relay.cjs)
//   npx tsx bench/demo-cpu.ts --vs bare-workers            (four bare workers alone, the load shared out: the last hop)
//   npx tsx bench/demo-cpu.ts --vs bare-pipes              (the same behind two TCP pipes: the design's shape, no logic)
//     (the other variants, in VARIANTS below, take one part of that apart)
//   npx tsx bench/demo-cpu.ts --rounds 3 --requests 2000 --concurrency 100
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type DemoRbeeOptions, startDemoRbee } from "../demo/rbee/start-demo.ts";
import { type Running, startBarePipes, startBareRelay } from "./bare-systems.ts";

const { values: args } = parseArgs({
  options: {
    vs: { type: "string", default: "per-token" },
    rounds: { type: "string", default: "3" },
    requests: { type: "string", default: "1500" },
    concurrency: { type: "string", default: "100" },
  },
});
/** The demo with these options, with 4 workers on free ports. */
async function startDemo(options: DemoRbeeOptions): Promise<Running> {
  const demo = await startDemoRbee({
    workers: 4,
    queenPort: 0,
    hivePort: 0,
    workerBasePort: 0,
    loadTimeMs: 200,
    ...options,
  });
  const workerPids = (await demo.workers()).map((w) => w.pid);
  const pids = [demo.queen.pid, demo.hive.pid, ...workerPids];
  return {
    url: demo.queen.url,
    pids: pids.filter((p): p is number => p !== undefined),
    workerPids: workerPids.filter((p): p is number => p !== undefined),
    stop: () => demo.stop(),
  };
}

const VARIANTS: Record<string, () => Promise<Running>> = {
  "per-token": () => startDemo({ workerEnv: { WORKER_STREAM_INTERVAL_MS: "0" } }),
  "keep-alive": () => startDemo({ queenArgs: ["--keep-alive"] }),
  "bare-relay": startBareRelay,
  "bare-worker": () => startBarePipes(1, 0),
  "bare-workers": () => startBarePipes(4, 0),
  "bare-one-relay": () => startBareRelay(1),
  "bare-pipe": () => startBarePipes(1, 1),
  "bare-two-pipes": () => startBarePipes(1, 2),
  "bare-pipes": () => startBarePipes(4, 2),
  "bare-splice": () => startBarePipes(4, 2, "splice"),
  "bare-one-undici": () => startBareRelay(1, true, "undici-hive"),
  "bare-relay-pooled": () => startBareRelay(2, true),
};
const problems = [
  ...(args.vs in VARIANTS
    ? []
    : [`--vs: expected one of ${Object.keys(VARIANTS).join(", ")}, found ${args.vs}`]),
  ...(["rounds", "requests", "concurrency"] as const)
    .filter((k) => !/^[1-9]\d*$/.test(args[k]))
    .map((k) => `--${k}: expected a positive integer, found ${args[k]}`),
];
if (problems.length > 0) {
  console.error(`bench/demo-cpu.ts: ${problems.join("; ")}`);
  process.exit(2);
}
const ROUNDS = Number(args.rounds);
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
/** The two asks: the load suite's LT-001 (8 tokens in one JSON answer) and a 16-token stream. */
const ASKS = [
  { name: "16 tokens streamed", tokens: 16, stream: true },
  { name: "8 tokens, JSON (LT-001)", tokens: 8, stream: false },
];

const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** One inference; true when it was answered 200 (and a stream ended with done). */
function infer(url: string, tokens: number, stream: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const payload = JSON.stringify({ prompt: "bench the bees", max_tokens: tokens, stream });
    const req = request(
      `${url}/v1/inference`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        let tail = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          tail = (tail + c).slice(-64);
        });
        res.on("end", () => resolve(res.statusCode === 200 && (!stream || tail.includes("event: done"))));
        res.on("error", () => resolve(false));
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on("error", () => resolve(false));
    req.end(payload);
  });
}

/** CPU milliseconds used so far by these processes (user + system). */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks * 10;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `n` requests, CONCURRENCY at a time; a space-separated `url` is a list the clients share out in turn. */
async function closedLoop(url: string, n: number, tokens: number, stream: boolean): Promise<number> {
  let left = n;
  let ok = 0;
  const urls = url.split(" ");
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, c) => {
      while (left-- > 0) if (await infer(urls[c % urls.length], tokens, stream)) ok++;
    }),
  );
  return ok;
}

interface Sample {
  cpuMsPerRequest: number;
  /** The part of it the token writers used. */
  workersMsPerRequest: number;
  idleMsPerS: number;
  failed: number;
  load: number;
}

/** One system, both asks: CPU per successful request net of the idle rate measured just before. */
async function measure(start: () => Promise<Running>): Promise<Sample[]> {
  const demo = await start();
  try {
    const { pids, workerPids } = demo;
    const out: Sample[] = [];
    for (const ask of ASKS) {
      await closedLoop(demo.url, CONCURRENCY * 2, ask.tokens, ask.stream); // warm-up
      await sleep(500);
      const i0 = cpuMs(pids);
      const iw0 = cpuMs(workerPids);
      const it0 = performance.now();
      await sleep(3000);
      const idleMs = performance.now() - it0;
      const idlePerMs = (cpuMs(pids) - i0) / idleMs;
      const workersIdlePerMs = (cpuMs(workerPids) - iw0) / idleMs;
      const load = loadavg()[0];
      const c0 = cpuMs(pids);
      const w0 = cpuMs(workerPids);
      const t0 = performance.now();
      const ok = await closedLoop(demo.url, REQUESTS, ask.tokens, ask.stream);
      const took = performance.now() - t0;
      const used = cpuMs(pids) - c0 - idlePerMs * took;
      const workersUsed = cpuMs(workerPids) - w0 - workersIdlePerMs * took;
      out.push({
        cpuMsPerRequest: used / Math.max(1, ok),
        workersMsPerRequest: workersUsed / Math.max(1, ok),
        idleMsPerS: idlePerMs * 1000,
        failed: REQUESTS - ok,
        load,
      });
    }
    return out;
  } finally {
    await demo.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, d = 2) => n.toFixed(d);

async function main(): Promise<void> {
  const variants: Array<[string, () => Promise<Running>]> = [
    ["as shipped", () => startDemo({})],
    [args.vs, VARIANTS[args.vs]],
  ];
  const samples = new Map<string, Sample[][]>(variants.map(([name]) => [name, []]));
  console.log(
    `# demo CPU per request: ${ROUNDS} rounds, ${REQUESTS} requests at concurrency ${CONCURRENCY}; load average at the start ${loadavg()
      .map((x) => f(x, 1))
      .join(" ")}`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first: a machine that gets busier during a round favours neither.
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const [name, start] of order) {
      const s = await measure(start);
      samples.get(name)?.push(s);
      console.log(
        `round ${round + 1} ${name}: ${ASKS.map((a, i) => `${a.name} ${f(s[i].cpuMsPerRequest)} ms, workers ${f(s[i].workersMsPerRequest)} (${s[i].failed} failed, idle ${f(s[i].idleMsPerS, 0)} ms/s, load ${f(s[i].load, 1)})`).join("; ")}`,
      );
    }
  }
  console.log(
    `\n| ask | as shipped: CPU ms per request (workers) | ${args.vs} (workers) | ratio |\n| --- | ---: | ---: | ---: |`,
  );
  ASKS.forEach((a, i) => {
    const [shipped, other] = variants.map(([name]) =>
      median((samples.get(name) ?? []).map((s) => s[i].cpuMsPerRequest)),
    );
    const [shippedW, otherW] = variants.map(([name]) =>
      median((samples.get(name) ?? []).map((s) => s[i].workersMsPerRequest)),
    );
    console.log(
      `| ${a.name} | ${f(shipped)} (${f(shippedW)}) | ${f(other)} (${f(otherW)}) | ${f(shipped / other)} |`,
    );
  });
  console.log(
    `\nmedians of ${ROUNDS} rounds, net of the idle CPU; load average at the end ${loadavg()
      .map((x) => f(x, 1))
      .join(" ")}`,
  );
  agent.destroy();
}

await main();
