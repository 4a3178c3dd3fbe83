// The built-in stressor's process (plain JS: it must start without a loader, and its own memory is charged to
// the target's cgroup). Started by builtin-stressor.ts after the shell placed it in that cgroup.
//   node builtin-hog.mjs --cpu N --cpu-load PERCENT    N worker threads, each busy PERCENT% of every 100 ms
//   node builtin-hog.mjs --vm-bytes BYTES              allocates BYTES, writes every page, holds them
// Prints one line `ready` once the pressure is on; bad arguments: exit 2 with every problem on stderr.
import { Worker } from "node:worker_threads";

// The reaper tells our process group from a recycled pid by this name (/proc/<pid>/comm).
process.title = "hivestorm-hog";

const PERIOD_MS = 100;
const CHUNK = 64 * 2 ** 20;

function parse(argv) {
  const opts = {};
  const problems = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const n = Number(value);
    if (!["--cpu", "--cpu-load", "--vm-bytes"].includes(flag)) problems.push(`unrecognized flag ${flag}`);
    else if (value === undefined || !Number.isInteger(n) || n < 0)
      problems.push(`invalid ${flag}: expected a whole number, found ${JSON.stringify(value ?? null)}`);
    else opts[flag.slice(2)] = n;
  }
  const cpu = opts.cpu !== undefined;
  const vm = opts["vm-bytes"] !== undefined;
  if (cpu === vm) problems.push("invalid arguments: expected exactly one of --cpu and --vm-bytes");
  if (cpu && (opts.cpu < 1 || opts.cpu > 256)) problems.push("invalid --cpu: expected 1..256");
  const load = opts["cpu-load"] ?? 100;
  if (cpu && (load < 1 || load > 100)) problems.push("invalid --cpu-load: expected 1..100");
  if (problems.length > 0) {
    process.stderr.write(`hivestorm-hog: ${problems.join("; ")}\n`);
    process.exit(2);
  }
  return { cpu: opts.cpu, load, bytes: opts["vm-bytes"] };
}

// Busy `load`% of each period, asleep (Atomics.wait: no CPU) for the rest.
const SPIN = `
const { workerData } = require("node:worker_threads");
const nap = new Int32Array(new SharedArrayBuffer(4));
const busy = (${PERIOD_MS} * workerData.load) / 100;
let x = 0;
for (;;) {
  const start = performance.now();
  while (performance.now() - start < busy) x = (x * 1103515245 + 12345) | 0;
  const rest = ${PERIOD_MS} - (performance.now() - start);
  if (rest >= 1) Atomics.wait(nap, 0, 0, rest);
}
`;

const o = parse(process.argv.slice(2));
const held = [];
if (o.cpu !== undefined) {
  for (let i = 0; i < o.cpu; i++) new Worker(SPIN, { eval: true, workerData: { load: o.load } });
} else {
  // Buffer.alloc fills: every page is written, so it is resident and charged to the cgroup.
  for (let left = o.bytes; left > 0; left -= CHUNK) held.push(Buffer.alloc(Math.min(CHUNK, left), 1));
  setInterval(() => held.length, 2 ** 30);
}
process.stdout.write("ready\n");
