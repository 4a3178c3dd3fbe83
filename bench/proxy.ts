// Benchmark of the embedded Toxiproxy-compatible server, side by side in one run (see bench/README.md):
//   npx tsx bench/proxy.ts [--seconds 5] [--connections 50] [--rounds 3] [--pin] [--json]
//   npx tsx bench/proxy.ts --compare-flags [--seconds 5] [--rounds 3]   (the standalone command's Node flags)
// Three processes: the proxy server (the standalone command, `hivestorm-toxiproxy`: plain JavaScript, so that the
// measured process is the server and not the tsx loader), the HTTP server, and the load generator (autocannon).
// Each in its own process, so that the proxy gets a core of its own as upstream's measurement did; `--pin` also
// pins the proxy to CPU 0 and the other two to CPU 1 with taskset. All traffic stays on 127.0.0.1.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, connect, createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { toxiproxyCommand } from "../sdk/testbed/toxiproxy-process.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = join(dirname(SELF), "..");
const BODY = "x".repeat(64);

// ---------------------------------------------------------------- child roles

/** An HTTP server answering 64 bytes, plus a TCP source that sends as many bytes as asked (8-byte request). */
async function serveRole(): Promise<void> {
  const http = createHttpServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": BODY.length });
    res.end(BODY);
  });
  http.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const bulk = createServer((s) => {
    s.on("error", () => {});
    s.once("data", (d: Buffer) => {
      let left = Number(d.readBigUInt64BE(0));
      const block = Buffer.alloc(64 * 1024, 42);
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, block.length);
          left -= n;
          if (!s.write(block.subarray(0, n))) {
            s.once("drain", pump);
            return;
          }
        }
        s.end();
      };
      pump();
    });
  });
  await new Promise<void>((r) => bulk.listen(0, "127.0.0.1", r));
  report({ http: (http.address() as AddressInfo).port, bulk: (bulk.address() as AddressInfo).port });
  process.on("disconnect", () => process.exit(0));
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}

async function loadRole(url: string, seconds: number, connections: number): Promise<void> {
  const { default: autocannon } = await import("autocannon");
  const r = await autocannon({ url, connections, duration: seconds });
  report({
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.average,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  });
}

/** Sequential keep-alive requests on one connection, timed in µs: the added latency without queueing. */
async function probeRole(port: number, count: number, connections = 1): Promise<void> {
  const request = Buffer.from("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
  const times: number[] = [];
  const loop = async (n: number): Promise<void> => {
    const s = connect({ port, host: "127.0.0.1", noDelay: true });
    await once(s, "connect");
    let buffered = "";
    for (let i = 0; i < n; i++) {
      const t0 = process.hrtime.bigint();
      s.write(request);
      while (!buffered.endsWith(BODY)) buffered += (await once(s, "data"))[0].toString();
      buffered = "";
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    s.destroy();
  };
  await Promise.all(Array.from({ length: connections }, () => loop(Math.ceil(count / connections))));
  count = times.length;
  times.sort((a, b) => a - b);
  report({ p50: times[Math.floor(count * 0.5)], p99: times[Math.floor(count * 0.99)] });
}

async function downloadRole(port: number, bytes: number): Promise<void> {
  const s = connect({ port, host: "127.0.0.1" });
  await once(s, "connect");
  const t0 = performance.now();
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(bytes));
  s.write(header);
  let got = 0;
  s.on("data", (d: Buffer) => {
    got += d.length;
  });
  await once(s, "close");
  report({ bytes: got, ms: performance.now() - t0 });
}

/** Opens `count` connections through the proxy, each with one completed request, and holds them. */
async function holdRole(port: number, count: number): Promise<void> {
  let failed = 0;
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const s = connect({ port, host: "127.0.0.1" });
      try {
        await once(s, "connect");
        s.write("GET / HTTP/1.1\r\nHost: bench\r\n\r\n");
        let text = "";
        while (!text.endsWith(BODY)) text += (await once(s, "data"))[0].toString();
      } catch {
        failed += 1; // counted and reported: a reset connection must not end the whole benchmark
        s.destroy();
      }
      return s;
    }),
  );
  report({ open: sockets.length - failed, failed });
  process.stdin.resume();
  process.stdin.on("end", () => process.exit(0));
}

function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

// ---------------------------------------------------------------- the run

type Numbers = Record<string, number>;

function spawnOn(cpu: number | undefined, argv: string[]): ChildProcess {
  const [cmd, args] =
    cpu === undefined ? [argv[0], argv.slice(1)] : ["taskset", ["-c", String(cpu), ...argv]];
  // The server's JSON logs (upstream logs each API request and each accepted client) are not measured here.
  const env = { ...process.env, LOG_LEVEL: "warn" };
  const proc = spawn(cmd, args, { stdio: ["pipe", "pipe", "inherit"], env });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 600_000);
  timer.unref();
  proc.on("exit", () => clearTimeout(timer));
  return proc;
}

/** The first stdout line matching `pattern`; rejects when the process exits first. */
function firstLine(proc: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => pattern.test(l));
      if (line !== undefined) resolve(line);
    });
    proc.on("exit", (code) => reject(new Error(`${what} exited with ${code} before reporting`)));
  });
}

interface Child {
  proc: ChildProcess;
  result: Promise<Numbers>;
}

function child(cpu: number | undefined, role: string, ...args: (string | number)[]): Child {
  const proc = spawnOn(cpu, [process.execPath, "--import", "tsx", SELF, "--role", role, ...args.map(String)]);
  return { proc, result: firstLine(proc, /^\{/, role).then((l) => JSON.parse(l) as Numbers) };
}

async function run(cpu: number | undefined, role: string, ...args: (string | number)[]): Promise<Numbers> {
  const c = child(cpu, role, ...args);
  const r = await c.result;
  c.proc.stdin!.end();
  return r;
}

/** The standalone command, its bundle built beforehand so that no run pays for the build. */
function standaloneServer(): string[] {
  const argv = toxiproxyCommand();
  const built = spawnSync(argv[0], [...argv.slice(1), "-version"], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`hivestorm-toxiproxy -version: ${built.stderr}`);
  return argv;
}

interface ServerProcess {
  proc: ChildProcess;
  url: string;
  rssMB(): number;
  /** Of the RSS, what is mapped from files (the node binary and libraries), in MB. */
  fileMB(): number;
}

async function startServer(argv: string[], cpu: number | undefined): Promise<ServerProcess> {
  const proc = spawnOn(cpu, [...argv, "-host", "127.0.0.1", "-port", "0"]);
  const line = await firstLine(proc, /listening on http:/, "toxiproxy-server");
  const status = `/proc/${proc.pid}/status`;
  return {
    proc,
    url: /(http:\S+)/.exec(line)![1],
    rssMB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(status, "utf8"))![1]) / 1024,
    fileMB: () => Number(/RssFile:\s+(\d+)/.exec(readFileSync(status, "utf8"))![1]) / 1024,
  };
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (server.proc.exitCode !== null) return;
  server.proc.kill("SIGTERM");
  await once(server.proc, "exit");
}

async function api(server: { url: string }, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(server.url + path, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

async function proxyOn(server: { url: string }, name: string, upstreamPort: number): Promise<number> {
  const res = await fetch(`${server.url}/proxies`, {
    method: "POST",
    body: JSON.stringify({ name, listen: "127.0.0.1:0", upstream: `127.0.0.1:${upstreamPort}` }),
  });
  const p = (await res.json()) as { listen: string };
  return Number(p.listen.split(":").at(-1));
}

/** How long the 1000 connections stay open and idle before the "settled" reading. */
const SETTLE_MS = 15_000;

/**
 * RSS of a server process, idle and then with 1000 open proxied connections (each with one request done): 0.5 s
 * after they opened, and again after SETTLE_MS with nothing happening, when V8's memory reducer has run (it
 * compacts the heap and gives back the young generation some seconds after allocation stops).
 */
async function memory(server: ServerProcess, cpu: number | undefined, httpPort: number) {
  const port = await proxyOn(server, "memory", httpPort);
  await new Promise((r) => setTimeout(r, 300));
  const idle = server.rssMB();
  const hold = child(cpu, "hold", port, 1000);
  const { open, failed } = await hold.result;
  await new Promise((r) => setTimeout(r, 500));
  const held = server.rssMB();
  const heldFile = server.fileMB();
  await new Promise((r) => setTimeout(r, SETTLE_MS - 500));
  const settled = server.rssMB();
  const settledFile = server.fileMB();
  hold.proc.stdin!.end();
  await once(hold.proc, "exit");
  return { open, failed, idle, held, heldFile, settled, settledFile };
}

/** user + system CPU time of a process, in ms (clock ticks are 10 ms on Linux). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

interface CompareSettings {
  seconds: number;
  connections: number;
  rounds: number;
  proxyCpu: number | undefined;
  otherCpu: number | undefined;
}

/**
 * `--compare-flags`: the standalone server under other sets of Node flags, side by side with its own (the bin's
 * first line): memory on a fresh process of each, then CPU per proxied request in interleaved rounds (the first
 * round of each warms it up and is left out when there are more).
 */
async function compareFlags(
  standalone: string[],
  settings: CompareSettings,
  log: (line: string) => void,
): Promise<void> {
  const [node, ...rest] = standalone;
  const bin = rest.pop()!;
  const own = rest;
  const without = (flag: string) => own.filter((f) => f !== flag);
  const noBudget = own.filter((f) => !f.startsWith("--interrupt-budget="));
  const variants: { name: string; flags: string[] }[] = [
    { name: `the bin's: ${own.join(" ")}`, flags: own },
    { name: "none (Node's defaults)", flags: [] },
    { name: "the bin's without --single-threaded", flags: without("--single-threaded") },
    { name: "the bin's without --compact-on-every-full-gc", flags: without("--compact-on-every-full-gc") },
    { name: "the bin's + --v8-pool-size=1", flags: [...own, "--v8-pool-size=1"] },
    { name: "the bin's + --no-opt (no optimising compiler)", flags: [...own, "--no-opt"] },
    { name: "the bin's + --jitless", flags: [...own, "--jitless"] },
    { name: "the bin's + --no-opt --always-sparkplug", flags: [...own, "--no-opt", "--always-sparkplug"] },
    { name: "the bin's without --interrupt-budget (V8's default)", flags: noBudget },
    {
      name: "the bin's with --interrupt-budget=540672 (8x)",
      flags: [...noBudget, "--interrupt-budget=540672"],
    },
    {
      name: "the bin's with --interrupt-budget=2162688 (32x)",
      flags: [...noBudget, "--interrupt-budget=2162688"],
    },
  ];
  const { seconds, connections, rounds, proxyCpu, otherCpu } = settings;
  const upstream = child(otherCpu, "serve");
  const started: ServerProcess[] = [];
  try {
    const ports = await upstream.result;
    const rows = [];
    for (const v of variants) {
      const server = await startServer([node, ...v.flags, bin], proxyCpu);
      started.push(server);
      const mem = await memory(server, otherCpu, ports.http);
      await stopServer(server);
      rows.push({ ...v, mem, cpu: [] as number[], rps: [] as number[] });
      log(
        `  ${v.name}: RSS ${fixed(mem.idle, 1)} / ${fixed(mem.held, 1)}, ${fixed(mem.settled, 1)} MB (from files ${fixed(mem.heldFile, 1)}, ${fixed(mem.settledFile, 1)})`,
      );
    }
    const servers = [];
    for (const v of variants) {
      const server = await startServer([node, ...v.flags, bin], proxyCpu);
      started.push(server);
      servers.push({ server, port: await proxyOn(server, "http", ports.http) });
    }
    for (let i = 0; i < rounds + (rounds > 1 ? 1 : 0); i++) {
      for (const [j, { server, port }] of servers.entries()) {
        const t0 = cpuMs(server.proc.pid!);
        const r = await run(otherCpu, "load", `http://127.0.0.1:${port}/`, seconds, connections);
        if (rounds > 1 && i === 0) continue;
        rows[j].cpu.push((1000 * (cpuMs(server.proc.pid!) - t0)) / r.total);
        rows[j].rps.push(r.rps);
      }
    }
    log("");
    log(
      `| node flags | RSS idle (MB) | 1000 connections: at once, after ${SETTLE_MS / 1000} s (MB) | proxy CPU per request (µs), mean (rounds) | vs the bin's | requests/s (rounds) |`,
    );
    log("| --- | --- | --- | --- | --- | --- |");
    const base = mean(rows[0].cpu);
    for (const r of rows) {
      const failed = r.mem.failed > 0 ? ` (${r.mem.failed} failed to open)` : "";
      log(
        `| ${r.name} | ${fixed(r.mem.idle, 1)} | ${fixed(r.mem.held, 1)}, ${fixed(r.mem.settled, 1)}${failed} | ` +
          `${fixed(mean(r.cpu), 1)} (${r.cpu.map((x) => fixed(x, 1)).join(", ")}) | ${fixed((100 * mean(r.cpu)) / base, 0)}% | ` +
          `${r.rps.map((x) => fixed(x, 0)).join(", ")} |`,
      );
    }
    log(
      `\nload average at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
    );
  } finally {
    for (const s of started) await stopServer(s);
    upstream.proc.stdin!.end();
    upstream.proc.kill();
  }
}
const fixed = (n: number, d = 2): string => n.toFixed(d);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "50" },
      rounds: { type: "string", default: "3" },
      pin: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      "compare-flags": { type: "boolean", default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  if (
    !(seconds > 0 && seconds <= 60) ||
    !(connections >= 1 && connections <= 1000) ||
    !(rounds >= 1 && rounds <= 5)
  ) {
    throw new Error("--seconds must be in (0, 60], --connections in [1, 1000], --rounds in [1, 5]");
  }
  const pin = values.pin === true && cpus().length >= 2 && spawnSync("taskset", ["-V"]).status === 0;
  const [proxyCpu, otherCpu] = pin ? [0, 1] : [undefined, undefined];
  const log = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  log(
    `proxy benchmark: ${connections} connections, ${seconds} s per measurement, ${rounds} round(s), ` +
      (pin ? "proxy on CPU 0, HTTP server and autocannon on CPU 1" : "no CPU pinning") +
      `; load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
  );

  const standalone = standaloneServer();
  if (values["compare-flags"]) {
    await compareFlags(standalone, { seconds, connections, rounds, proxyCpu, otherCpu }, log);
    return;
  }
  const upstream = child(otherCpu, "serve");
  const servers: ServerProcess[] = [];
  try {
    const ports = await upstream.result;
    const tp = await startServer(standalone, proxyCpu);
    servers.push(tp);
    const httpProxy = await proxyOn(tp, "http", ports.http);
    const bulkProxy = await proxyOn(tp, "bulk", ports.bulk);
    const direct: Numbers[] = [];
    const proxied: Numbers[] = [];
    // CPU time per request is robust to other processes on the machine, unlike requests/s.
    const cpu = { server: 0, serverRequests: 0, proxy: 0, proxyRequests: 0 };
    const roundCpu: { server: number; proxy: number }[] = [];
    for (let i = 0; i < rounds; i++) {
      let t0 = cpuMs(upstream.proc.pid!);
      direct.push(await run(otherCpu, "load", `http://127.0.0.1:${ports.http}/`, seconds, connections));
      const serverMs = cpuMs(upstream.proc.pid!) - t0;
      cpu.server += serverMs;
      cpu.serverRequests += direct[i].total;
      t0 = cpuMs(tp.proc.pid!);
      proxied.push(await run(otherCpu, "load", `http://127.0.0.1:${httpProxy}/`, seconds, connections));
      const proxyMs = cpuMs(tp.proc.pid!) - t0;
      cpu.proxy += proxyMs;
      cpu.proxyRequests += proxied[i].total;
      roundCpu.push({
        server: (1000 * serverMs) / direct[i].total,
        proxy: (1000 * proxyMs) / proxied[i].total,
      });
      const ratio = (100 * proxied[i].rps) / direct[i].rps;
      log(
        `  round ${i + 1}: direct ${fixed(direct[i].rps, 0)} req/s, proxied ${fixed(proxied[i].rps, 0)} req/s (${fixed(ratio, 1)}%); ` +
          `CPU per request: HTTP server ${fixed(roundCpu[i].server, 1)} µs, proxy ${fixed(roundCpu[i].proxy, 1)} µs`,
      );
    }
    const probeDirect = await run(otherCpu, "probe", ports.http, 2000);
    const probeProxied = await run(otherCpu, "probe", httpProxy, 2000);

    await api(tp, "POST", "/proxies/http/toxics", { type: "latency", attributes: { latency: 100 } });
    const latencyRuns: Numbers[] = [];
    for (let i = 0; i < rounds; i++) {
      latencyRuns.push(await run(otherCpu, "load", `http://127.0.0.1:${httpProxy}/`, seconds, connections));
    }
    // The same toxic timed in µs (autocannon reports whole ms): 10 connections × 20 sequential requests.
    const latencyProbe = await run(otherCpu, "probe", httpProxy, 200, 10);
    const latency = latencyRuns.toSorted((a, b) => a.p50 - b.p50)[Math.floor(rounds / 2)]; // the median round
    await api(tp, "DELETE", "/proxies/http/toxics/latency_downstream");

    const rate = 10_000; // KB/s
    await api(tp, "POST", "/proxies/bulk/toxics", { type: "bandwidth", attributes: { rate } });
    const download = await run(otherCpu, "download", bulkProxy, rate * 1000 * seconds);
    await api(tp, "DELETE", "/proxies/bulk/toxics/bandwidth_downstream");

    // Memory on fresh server processes, so that the heap grown by the load runs above does not count.
    const fresh = await startServer(standalone, proxyCpu);
    servers.push(fresh);
    const mem = await memory(fresh, otherCpu, ports.http);
    const tsxServer = await startServer(
      [process.execPath, "--import", "tsx", join(ROOT, "scripts/toxiproxy-server.ts")],
      proxyCpu,
    );
    servers.push(tsxServer);
    const memTsx = await memory(tsxServer, otherCpu, ports.http);

    const summary = (xs: Numbers[]) => ({
      rps: mean(xs.map((x) => x.rps)),
      p50: mean(xs.map((x) => x.p50)),
      p99: mean(xs.map((x) => x.p99)),
    });
    const d = summary(direct);
    const p = summary(proxied);
    const measuredRate = download.bytes / download.ms; // bytes per ms = KB/s
    const results = {
      settings: { connections, seconds, rounds, pinned: pin, bodyBytes: BODY.length },
      direct: d,
      proxied: p,
      throughputRatio: p.rps / d.rps,
      roundRatios: proxied.map((x, i) => x.rps / direct[i].rps),
      cpuMicrosPerRequest: {
        httpServer: (1000 * cpu.server) / cpu.serverRequests,
        proxy: (1000 * cpu.proxy) / cpu.proxyRequests,
        rounds: roundCpu,
      },
      p50AddedUnderLoadMs: p.p50 - d.p50,
      sequential: {
        directP50: probeDirect.p50,
        proxiedP50: probeProxied.p50,
        addedP50Ms: probeProxied.p50 - probeDirect.p50,
      },
      latencyToxic: {
        settingMs: 100,
        p50: latency.p50,
        mean: latency.mean,
        ratio: latency.p50 / 100,
        roundP50s: latencyRuns.map((x) => x.p50),
        probeP50: latencyProbe.p50,
        probeP50MinusBase: latencyProbe.p50 - probeProxied.p50,
      },
      bandwidthToxic: {
        settingKBps: rate,
        measuredKBps: measuredRate,
        ratio: measuredRate / rate,
        bytes: download.bytes,
      },
      memoryMB: { plain: mem, underTsx: memTsx },
      errors: [...direct, ...proxied, ...latencyRuns].reduce((a, x) => a + x.errors + x.non2xx, 0),
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      return;
    }
    const row = (...cells: string[]) => log(`| ${cells.join(" | ")} |`);
    log("");
    row("measurement", "direct", "through the proxy", "ratio / delta", "target");
    row("---", "---", "---", "---", "---");
    const spread = (xs: number[], f: (x: number) => string) =>
      `${f(Math.min(...xs))} to ${f(Math.max(...xs))}`;
    row(
      "requests/s (autocannon)",
      fixed(d.rps, 0),
      fixed(p.rps, 0),
      `${fixed(100 * results.throughputRatio, 1)}% (rounds: ${spread(
        results.roundRatios.map((x) => 100 * x),
        (x) => `${fixed(x, 1)}%`,
      )})`,
      ">= 38%",
    );
    row(
      "CPU per request (µs): HTTP server / proxy",
      fixed(results.cpuMicrosPerRequest.httpServer, 1),
      fixed(results.cpuMicrosPerRequest.proxy, 1),
      `${fixed((100 * results.cpuMicrosPerRequest.proxy) / results.cpuMicrosPerRequest.httpServer, 0)}% (proxy rounds: ${spread(
        roundCpu.map((x) => x.proxy),
        (x) => fixed(x, 1),
      )} µs)`,
      "",
    );
    row("p50 under load (ms)", fixed(d.p50), fixed(p.p50), `${fixed(results.p50AddedUnderLoadMs)} ms`, "");
    row("p99 under load (ms)", fixed(d.p99), fixed(p.p99), `${fixed(p.p99 - d.p99)} ms`, "");
    row(
      "p50, one connection, sequential (ms)",
      fixed(probeDirect.p50, 3),
      fixed(probeProxied.p50, 3),
      `+${fixed(results.sequential.addedP50Ms, 3)} ms`,
      "<= +0.5 ms",
    );
    row(
      "latency toxic 100 ms: p50 (ms)",
      "",
      fixed(latency.p50),
      `${fixed(latency.p50, 1)}% of setting (rounds: ${latencyRuns.map((x) => x.p50).join(", ")} ms)`,
      "within 2%",
    );
    row(
      "latency toxic 100 ms: p50 in µs, 10 sequential clients (ms)",
      "",
      fixed(latencyProbe.p50, 3),
      `${fixed(latencyProbe.p50, 2)}% of setting; +${fixed(latencyProbe.p50 - 100 - probeProxied.p50, 3)} ms over setting + untoxic p50`,
      "within 2%",
    );
    row(
      `bandwidth toxic ${rate} KB/s: rate (KB/s)`,
      "",
      fixed(measuredRate, 0),
      `${fixed(100 * results.bandwidthToxic.ratio, 2)}% of setting`,
      "within 1%",
    );
    const failedNote = (m: { failed: number }) => (m.failed > 0 ? ` (${m.failed} failed to open)` : "");
    row(
      `hivestorm-toxiproxy RSS idle / ${mem.open} connections: at once, after ${SETTLE_MS / 1000} s (MB)${failedNote(mem)}`,
      "",
      `${fixed(mem.idle, 1)} / ${fixed(mem.held, 1)}, ${fixed(mem.settled, 1)}`,
      "upstream 2.12: 9.8 / 52.4",
      "<= 52 MB",
    );
    row(
      `of which mapped from files (node binary, libraries) at ${mem.open} connections (MB)`,
      "",
      `${fixed(mem.heldFile, 1)}, ${fixed(mem.settledFile, 1)}`,
      "",
      "",
    );
    row(
      `same, under tsx (MB)${failedNote(memTsx)}`,
      "",
      `${fixed(memTsx.idle, 1)} / ${fixed(memTsx.held, 1)}, ${fixed(memTsx.settled, 1)}`,
      "",
      "",
    );
    log(
      `\nerrors + non-2xx responses: ${results.errors}; load average at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
    );
  } finally {
    for (const s of servers) await stopServer(s);
    upstream.proc.stdin!.end();
    upstream.proc.kill();
  }
}

const role = process.argv.indexOf("--role");
if (role >= 0) {
  const [name, a, b, c] = process.argv.slice(role + 1);
  if (name === "serve") await serveRole();
  else if (name === "load") await loadRole(a, Number(b), Number(c));
  else if (name === "probe") await probeRole(Number(a), Number(b), Number(c ?? 1));
  else if (name === "download") await downloadRole(Number(a), Number(b));
  else if (name === "hold") await holdRole(Number(a), Number(b));
  else throw new Error(`unknown role ${name}`);
} else {
  await main();
}
