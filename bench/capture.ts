// What response captures cost a load generator: the same closed-model plan without captures, with a header
// capture and with a JSON capture, in interleaved rounds against one local HTTP server in its own process.
//   npx tsx bench/capture.ts            (about 1 minute; --quick for a shorter, noisier run)
// Rows per engine (autocannon, vus): requests/s and the generator's CPU time per request (user + system of this
// process, less disturbed by other processes than requests/s), each with its ratio to the run without captures.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { load } from "../sdk/load/load.ts";
import type { EngineName } from "../sdk/load/types.ts";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 2 : 4;
const ROUNDS = quick ? 1 : 3;
const USERS = 50;

const SERVER = `
const http = require("node:http");
let n = 0;
const s = http.createServer((req, res) => { req.resume(); req.on("end", () => {
  n++;
  res.writeHead(200, { "content-type": "application/json", "x-backend": n % 2 ? "A" : "B" });
  res.end(JSON.stringify({ result: { backend: n % 2 ? "A" : "B", text: "hello world" } }));
}); });
s.keepAliveTimeout = 60000;
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
`;

const VARIANTS = {
  none: undefined,
  header: { backend: "header:x-backend" },
  json: { backend: "json:result.backend" },
} as const;

interface Tally {
  rps: number[];
  cpuUsPerRequest: number[];
}

async function main(): Promise<void> {
  const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<string>((resolve) =>
      server.stdout.once("data", (d) => resolve(String(d).trim())),
    );
    const url = `http://127.0.0.1:${port}`;
    const out: string[] = [
      `capture cost: ${USERS} users, ${SECONDS} s x ${ROUNDS} rounds per cell, load average at start ${loadavg()[0].toFixed(1)}`,
      "",
      "| engine | captures | requests/s | ratio | CPU µs/request | ratio |",
      "| --- | --- | --- | --- | --- | --- |",
    ];
    for (const engine of ["autocannon", "vus"] as EngineName[]) {
      const tallies = new Map<string, Tally>(
        Object.keys(VARIANTS).map((k) => [k, { rps: [], cpuUsPerRequest: [] }]),
      );
      const variants = Object.entries(VARIANTS);
      const runOnce = async (spec: (typeof VARIANTS)[keyof typeof VARIANTS]) => {
        let plan = load.constant(USERS, `${SECONDS}s`).target(url).request({ method: "GET", url: "/" });
        if (spec) plan = plan.capture(spec);
        const cpu = process.cpuUsage();
        const r = await plan.run({ engine });
        return { r, used: process.cpuUsage(cpu) };
      };
      await runOnce(undefined); // warm-up (JIT, connections), not counted
      // each round starts with another variant, so that none always runs first or last
      for (let round = 0; round < ROUNDS; round++)
        for (let k = 0; k < variants.length; k++) {
          const [name, spec] = variants[(round + k) % variants.length];
          const { r, used } = await runOnce(spec);
          const t = tallies.get(name)!;
          t.rps.push(r.totals.requests / ((r.endedAt - r.startedAt) / 1000));
          t.cpuUsPerRequest.push((used.user + used.system) / r.totals.requests);
          if (spec && r.captures?.backend?.A === undefined)
            throw new Error(`${engine}/${name}: nothing captured`);
        }
      const base = tallies.get("none")!;
      for (const [name, t] of tallies) {
        const rps = mean(t.rps);
        const cpu = mean(t.cpuUsPerRequest);
        out.push(
          `| ${engine} | ${name} | ${rps.toFixed(0)} | ${(rps / mean(base.rps)).toFixed(2)} | ${cpu.toFixed(1)} | ${(cpu / mean(base.cpuUsPerRequest)).toFixed(2)} |`,
        );
      }
    }
    console.log(out.join("\n"));
  } finally {
    server.kill();
  }
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

await main();
