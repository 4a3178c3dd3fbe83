// Load-engine benchmark: side by side in one run, against one local HTTP server in its own process.
//   npx tsx bench/load.ts            (about 2.5 minutes; --quick for a shorter, noisier run; --pin to put
//                                    the server and the generators on CPUs of their own)
// Rows: the SDK's autocannon engine vs raw autocannon (requests/s ratio), client CPU per request against
// wrk (skipped with a message when wrk is missing), the open-model executor's achieved rate and send-time
// jitter at 2000 req/s, and the most virtual users with 1 s think time that keep event-loop lag < 50 ms.
// Streaming rows (bench/stream-server.cjs, its own process): CPU per streamed token, the most users streaming
// 16 tokens at 20 ms a token with 1 s think time that keep event-loop lag < 50 ms, and time to first token
// against a server whose first token comes a known delay after the request. `--streams` runs those alone.
import { execFile, execFileSync, spawn } from "node:child_process";
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import autocannon from "autocannon";
import { Pool } from "undici";
import { findExecutable } from "../sdk/load/k6/k6-engine.ts";
import { load } from "../sdk/load/load.ts";

const streamsOnly = process.argv.includes("--streams");

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 2 : 4;
const ROUNDS = quick ? 1 : 5;
const CONNECTIONS = 50;

const SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "content-type": "text/plain" }); res.end("hello world"); }); });
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

interface Measure {
  requests: number;
  seconds: number;
  cpuUs: number;
  /** Mean of the tool's own per-second counts: start-up and the stop at the end left out. */
  steadyRps?: number;
}
const rps = (m: Measure) => m.steadyRps ?? m.requests / m.seconds;
const cpuPerReq = (m: Measure) => m.cpuUs / Math.max(1, m.requests);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, d = 1) => n.toFixed(d);

async function measure(fn: () => Promise<number | [number, number]>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = await fn();
  const seconds = (performance.now() - t) / 1000;
  const c = process.cpuUsage(cpu);
  const [requests, steadyRps] = typeof out === "number" ? [out, undefined] : out;
  return { requests, seconds, cpuUs: c.user + c.system, ...(steadyRps ? { steadyRps } : {}) };
}

const raw = (url: string) =>
  measure(
    () =>
      new Promise<[number, number]>((resolve, reject) => {
        const ticks: number[] = [];
        const instance = autocannon({ url, connections: CONNECTIONS, duration: SECONDS }, (err, r) => {
          if (err) return reject(err);
          // the same measure as the SDK's: the mean of the first whole seconds, from autocannon's own
          // 1-second `tick` counts (its requests.average also averages in a last, partial sample)
          const full = ticks.slice(0, SECONDS);
          resolve([r.requests.total, full.reduce((n, x) => n + x, 0) / full.length]);
        });
        (instance as unknown as NodeJS.EventEmitter).on("tick", (t: { counter: number }) =>
          ticks.push(t.counter),
        );
      }),
  );

const sdkClosed = (url: string) =>
  measure(async () => {
    const r = await load
      .constant(CONNECTIONS, `${SECONDS}s`)
      .target(url)
      .request({ method: "GET", url: "/" })
      .run({ engine: "autocannon" });
    // the same measure as autocannon's: the mean of the whole seconds of the timeline
    const full = r.timeline.slice(0, SECONDS);
    return [r.totals.requests, full.reduce((n, x) => n + x.requests, 0) / full.length];
  });

// A plain undici Pool loop: the floor for any undici-based generator.
const undiciLoop = (url: string) =>
  measure(async () => {
    const pool = new Pool(url, { connections: CONNECTIONS });
    const end = performance.now() + SECONDS * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) {
          const r = await pool.request({ path: "/", method: "GET" });
          await r.body.dump();
          n++;
        }
      }),
    );
    await pool.close();
    return n;
  });

const openAt = async (url: string, rate: number, seconds: number, maxInFlight?: number) => {
  let result: Awaited<ReturnType<ReturnType<typeof load.rate>["run"]>> | undefined;
  const m = await measure(async () => {
    const plan = load.rate(rate, `${seconds}s`);
    result = await (maxInFlight ? plan.maxInFlight(maxInFlight) : plan)
      .target(url)
      .request({ method: "GET", url: "/" })
      .run();
    return result.totals.requests;
  });
  return { m, r: result! };
};

async function wrk(url: string): Promise<Measure | string> {
  if (!findExecutable("wrk")) return "wrk not found on PATH (Debian: apt-get install wrk): row skipped";
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      "bash",
      [
        "-c",
        `TIMEFORMAT='%U %S'; time ${findExecutable("taskset") && process.argv.includes("--pin") ? "taskset -c 1 " : ""}wrk -t1 -c${CONNECTIONS} -d${SECONDS}s ${url}/`,
      ],
      { timeout: (SECONDS + 20) * 1000 },
      (err, stdout, stderr) => (err ? reject(err) : resolve(`${stdout}\n${stderr}`)),
    ),
  );
  const requests = Number(/(\d+) requests in ([\d.]+)(m?s)/.exec(out)?.[1]);
  const m = /([\d.]+)(m?s),/.exec(out.split("requests in ")[1] ?? "");
  const seconds = m ? Number(m[1]) / (m[2] === "ms" ? 1000 : 1) : SECONDS;
  const [user, sys] = out.trim().split("\n").at(-1)!.split(" ").map(Number);
  return { requests, seconds, cpuUs: (user + sys) * 1e6 };
}

interface VuRow {
  users: number;
  lagP99: number;
  rps: number;
  /** CPU time of this process per second of run: the share of a core the generator needs. */
  cores: number;
}

async function maxUsers(url: string): Promise<VuRow[]> {
  const rows: VuRow[] = [];
  for (const users of quick ? [1000, 5000] : [1000, 2500, 5000, 7500, 10000]) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const cpu = process.cpuUsage();
    const r = await load
      .ramp(0, users, "2s")
      .hold(quick ? "4s" : "6s")
      .thinkTime("1s")
      .target(url)
      .request({ method: "GET", url: "/" })
      .run();
    h.disable();
    const used = process.cpuUsage(cpu);
    const cores = (used.user + used.system) / 1e6 / ((r.endedAt - r.startedAt) / 1000);
    // steady state: the hold, after the ramp's first think cycle
    const hold = r.timeline.slice(3, -1);
    // the monitor reports the timer's whole interval: the lag is what exceeds the 10 ms resolution
    const lagP99 = h.percentile(99) / 1e6 - 10;
    rows.push({ users, lagP99, cores, rps: hold.reduce((s, x) => s + x.rps, 0) / Math.max(1, hold.length) });
    if (lagP99 >= 50) break;
  }
  return rows;
}

interface StreamRow {
  users: number;
  lagP99: number;
  /** Streams open at once on average over the hold (Little's law: streams/s × mean stream time). */
  concurrent: number;
  tokensPerS: number;
  cpuUsPerToken: number;
  cut: number;
  cores: number;
}

/** Users streaming 16 tokens at 20 ms a token with 1 s think time, up to the first that lags ≥ 50 ms. */
async function streamUsers(url: string): Promise<StreamRow[]> {
  const rows: StreamRow[] = [];
  // every level runs whatever the lag of the one before: on a shared machine the lag is mostly its noise
  for (const users of quick ? [1000, 5000] : [1000, 2500, 5000]) {
    const h = monitorEventLoopDelay({ resolution: 10 });
    h.enable();
    const cpu = process.cpuUsage();
    const r = await load
      .ramp(0, users, "2s")
      .hold(quick ? "4s" : "8s")
      .thinkTime("1s")
      .target(url)
      .request({ method: "GET", url: "/stream?tokens=16" })
      .stream("sse", { interTokenTimeout: "5s" })
      .run();
    h.disable();
    const used = process.cpuUsage(cpu);
    const seconds = (r.endedAt - r.startedAt) / 1000;
    const hold = r.timeline.slice(3, -1);
    const holdS = Math.max(1, hold.length);
    const streamsPerS = hold.reduce((n, x) => n + (x.streams ?? 0), 0) / holdS;
    const s = r.streams!;
    rows.push({
      users,
      lagP99: h.percentile(99) / 1e6 - 10,
      concurrent: (streamsPerS * r.latency.mean) / 1000,
      tokensPerS: hold.reduce((n, x) => n + (x.tokens ?? 0), 0) / holdS,
      cpuUsPerToken: (used.user + used.system) / Math.max(1, s.tokens),
      cut: s.cut,
      cores: (used.user + used.system) / 1e6 / seconds,
    });
  }
  return rows;
}

/** Time to first token against a first token sent `delayMs` after the request, at a light paced rate. */
async function ttftAccuracy(url: string, delayMs: number) {
  const r = await load
    .rate(20, quick ? "3s" : "6s")
    .target(url)
    .request({ method: "GET", url: `/first?ms=${delayMs}` })
    .stream("sse")
    .run();
  return { ttft: r.streams!.ttft, lag: r.sendLag! };
}

async function streamRows(url: string): Promise<void> {
  console.log("## Streaming: SSE, 16 tokens at 20 ms a token, 1 s think time (vus engine)\n");
  console.log(
    "| users | streams open (mean) | tokens/s | client CPU µs/token | generator CPU (cores) | event-loop lag p99 (ms) | cut | sustained |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 2000));
  idle.disable();
  const floor = f(Math.max(0, idle.percentile(99) / 1e6 - 10));
  const rows = await streamUsers(url);
  // a stream takes ~16 × 20 ms, then 1 s of thought: 16 tokens per 1.34 s per user at best
  const expected = (users: number) => (users * 16) / 1.34;
  for (const v of rows) {
    const ok = v.lagP99 < 50 && v.cut === 0 && v.tokensPerS > expected(v.users) * 0.85;
    console.log(
      `| ${v.users} | ${f(v.concurrent, 0)} | ${f(v.tokensPerS, 0)} | ${f(v.cpuUsPerToken, 2)} | ${f(v.cores, 2)} | ${f(v.lagP99)} | ${v.cut} | ${ok ? "yes" : "no"} |`,
    );
  }
  const best = rows
    .filter((v) => v.lagP99 < 50 && v.cut === 0 && v.tokensPerS > expected(v.users) * 0.85)
    .at(-1);
  console.log(
    `\nMost streaming users sustained: **${best?.users ?? 0}** (target ≥ 5000); event-loop lag p99 of this process idle: ${floor} ms (the machine's noise)\n`,
  );
  console.log(
    "| first token sent after (ms) | TTFT p50 (ms) | p50 − delay (ms) | TTFT p99 (ms) | send lag p50 (ms) |",
  );
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const d of [20, 100]) {
    const a = await ttftAccuracy(url, d);
    console.log(
      `| ${d} | ${f(a.ttft.p50, 3)} | ${f(a.ttft.p50 - d, 3)} | ${f(a.ttft.p99, 3)} | ${f(a.lag.p50, 3)} |`,
    );
  }
  console.log(
    "\n(target: TTFT p50 within 1 ms of the delay; the server's own timer and loopback are in it)\n",
  );
}

async function main(): Promise<void> {
  // --pin: the server on CPU 0, the generators on CPU 1 (taskset), as bench/proxy.ts does. Off by default:
  // on a machine shared with other jobs, a pinned generator cannot move away from a busy core and the
  // figures got worse, not steadier.
  const pin = findExecutable("taskset") !== undefined && process.argv.includes("--pin");
  if (pin) execFileSync("taskset", ["-p", "-c", "1", String(process.pid)], { stdio: "ignore" });
  const server = pin
    ? spawn("taskset", ["-c", "0", process.execPath, "-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] })
    : spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  // never leave the server behind, whatever ends this process
  process.on("exit", () => server.kill());
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
  const port = await new Promise<string>((resolve) =>
    server.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  );
  const url = `http://127.0.0.1:${port}`;
  const streamServer = spawn(process.execPath, [new URL("./stream-server.cjs", import.meta.url).pathname], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.on("exit", () => streamServer.kill());
  const streamUrl = `http://127.0.0.1:${await new Promise<string>((resolve) =>
    streamServer.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())),
  )}`;
  try {
    if (streamsOnly) {
      console.log(
        `# hivestorm load bench, streaming rows (${quick ? "quick" : "full"}); load average ${loadavg()
          .map((x) => f(x, 2))
          .join(" ")}\n`,
      );
      await streamRows(streamUrl);
      console.log(
        `load average at the end: ${loadavg()
          .map((x) => f(x, 2))
          .join(" ")}`,
      );
      return;
    }
    console.log(
      `# hivestorm load bench (${quick ? "quick" : "full"}): ${CONNECTIONS} connections, ${SECONDS}s runs, ${ROUNDS} rounds, server ${url} in its own process${pin ? " on CPU 0, generators on CPU 1" : ""}; load average ${loadavg()
        .map((x) => f(x, 2))
        .join(" ")}\n`,
    );
    await raw(url); // warm up the server and the JIT
    const rounds: Record<string, Measure[]> = { wrk: [], raw: [], sdk: [], undici: [], open: [] };
    const offered: number[] = [];
    let wrkSkip: string | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      const w = await wrk(url);
      if (typeof w === "string") wrkSkip = w;
      else rounds.wrk.push(w);
      // back to back, alternating which goes first, so that drift on a shared machine cancels out
      if (i % 2 === 0) {
        rounds.raw.push(await raw(url));
        rounds.sdk.push(await sdkClosed(url));
      } else {
        rounds.sdk.push(await sdkClosed(url));
        rounds.raw.push(await raw(url));
      }
      rounds.undici.push(await undiciLoop(url));
      // Paced sending costs more per request than a saturating loop (one wakeup and one write per
      // request): to compare with wrk under the same load, offer twice what the server just took, 50 in flight.
      offered.push(Math.round((rps(rounds.raw[i]) * 2) / 100) * 100);
      rounds.open.push((await openAt(url, offered[i], SECONDS, CONNECTIONS)).m);
    }
    const med = (k: string, g: (m: Measure) => number) =>
      rounds[k].length ? median(rounds[k].map(g)) : Number.NaN;
    const paced = await openAt(url, 2000, SECONDS);
    const wrkCpu = med("wrk", cpuPerReq);
    const vsWrk = (us: number) => (Number.isNaN(wrkCpu) ? "n/a" : `${f(us / wrkCpu, 2)}x`);

    console.log("## Closed model: SDK autocannon engine vs raw autocannon (median of rounds)\n");
    console.log("| generator | req/s | client CPU µs/req | vs wrk |");
    console.log("| --- | ---: | ---: | ---: |");
    if (wrkSkip) console.log(`| wrk | ${wrkSkip} | | |`);
    else console.log(`| wrk -t1 | ${f(med("wrk", rps), 0)} | ${f(wrkCpu)} | 1.00x |`);
    for (const [k, name] of [
      ["raw", "raw autocannon"],
      ["sdk", "SDK autocannon engine"],
      ["undici", "plain undici Pool loop"],
    ]) {
      const c = med(k, cpuPerReq);
      console.log(`| ${name} | ${f(med(k, rps), 0)} | ${f(c)} | ${vsWrk(c)} |`);
    }
    const openCpu = med("open", cpuPerReq);
    const pacedCpu = cpuPerReq(paced.m);
    console.log(
      `| open-model executor, offered 2x (${offered.join(", ")}/s), 50 in flight | ${f(med("open", rps), 0)} | ${f(openCpu)} | ${vsWrk(openCpu)} |`,
    );
    console.log(
      `| open-model executor paced at 2000/s | ${f(rps(paced.m), 0)} | ${f(pacedCpu)} | ${vsWrk(pacedCpu)} |`,
    );
    console.log(
      `\nSDK autocannon engine / raw autocannon requests/s, median of per-round ratios: **${f(median(rounds.sdk.map((m, i) => rps(m) / rps(rounds.raw[i]))), 3)}** (target ≥ 0.95; rounds: ${rounds.sdk.map((m, i) => f(rps(m) / rps(rounds.raw[i]), 2)).join(", ")})`,
    );
    // requests/s swing with the other jobs on the machine; CPU per request hardly does, so the capacity of
    // each generator per core (1 / CPU per request) is the steadier comparison
    console.log(
      `SDK autocannon engine / raw autocannon requests per CPU-second, median of per-round ratios: **${f(median(rounds.sdk.map((m, i) => cpuPerReq(rounds.raw[i]) / cpuPerReq(m))), 3)}** (rounds: ${rounds.sdk.map((m, i) => f(cpuPerReq(rounds.raw[i]) / cpuPerReq(m), 2)).join(", ")})`,
    );
    console.log(`Open-model executor CPU per request / wrk: **${vsWrk(openCpu)}** (target ≤ 2x)\n`);

    console.log("## Open model at 2000 req/s\n");
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 2000));
    idle.disable();
    const idleLag = (p: number) => f(Math.max(0, idle.percentile(p) / 1e6 - 1), 2);
    const floor = `event-loop lag of this process while idle (the machine's scheduling noise): p50 ${idleLag(50)} ms, p99 ${idleLag(99)} ms`;
    const at = await openAt(url, 2000, quick ? 5 : 10);
    const achieved = at.r.totals.requests / (quick ? 5 : 10);
    const lag = at.r.sendLag!;
    console.log(
      "| target | achieved req/s | error | dropped | send jitter p50 / p99 / max (ms) | latency p50 / p99 (ms) |",
    );
    console.log("| ---: | ---: | ---: | ---: | --- | --- |");
    console.log(
      `| 2000 | ${f(achieved)} | ${f(((achieved - 2000) / 2000) * 100, 2)}% | ${at.r.droppedIterations} | ${f(lag.p50, 3)} / ${f(lag.p99, 3)} / ${f(lag.max, 3)} | ${f(at.r.latency.p50, 3)} / ${f(at.r.latency.p99, 3)} |`,
    );
    console.log(`\n${floor}`);
    console.log(
      "(targets: within 1% of 2000/s, jitter p99 ≤ 2 ms; latencies carry µs: autocannon would report p50 = 0)\n",
    );

    console.log("## Virtual users with 1 s think time (vus engine), event-loop lag p99 < 50 ms\n");
    console.log("| users | steady req/s | event-loop lag p99 (ms) | generator CPU (cores) | sustained |");
    console.log("| ---: | ---: | ---: | ---: | --- |");
    const vus = await maxUsers(url);
    for (const v of vus) {
      const ok = v.lagP99 < 50 && v.rps > v.users * 0.9;
      console.log(
        `| ${v.users} | ${f(v.rps, 0)} | ${f(v.lagP99)} | ${f(v.cores, 2)} | ${ok ? "yes" : "no"} |`,
      );
    }
    const best = vus.filter((v) => v.lagP99 < 50 && v.rps > v.users * 0.9).at(-1);
    console.log(`\nMost users sustained: **${best?.users ?? 0}** (target ≥ 5000)`);
    console.log("");
    await streamRows(streamUrl);
    console.log(
      `\nload average at the end: ${loadavg()
        .map((x) => f(x, 2))
        .join(" ")}`,
    );
  } finally {
    server.kill();
    streamServer.kill();
  }
}

await main();
