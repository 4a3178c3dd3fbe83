#!/usr/bin/env -S node --import tsx
// Runs each test file alone and says what it cost: wall time and CPU time (user + system of the file's node
// process and every child it waited for, from bash's `times`). CPU time is the figure to trust on a shared
// machine; wall time moves with the load average, which is printed beside each file.
//   node --import tsx scripts/time-tests.ts [--json FILE] [--top N] [FILE|DIR ...]
// Without files: every *.test.ts under test/ (test/e2e included). Exit 1 when a file failed. Not through npx:
// test/core/shutdown.test.ts checks that a process whose npx is gone stops, and would find this one's npx alive.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { $, minimist } from "zx";

const USAGE = "usage: node --import tsx scripts/time-tests.ts [--json FILE] [--top N] [FILE|DIR ...]\n";
const args = minimist(process.argv.slice(2), { string: ["json", "top"], boolean: ["help"] });
const unknown = Object.keys(args).filter((k) => !["_", "json", "top", "help"].includes(k));
const top = args.top === undefined ? 10 : Number(args.top);
if (unknown.length || !Number.isInteger(top) || top < 1 || args.json === "") {
  const bad = [
    ...unknown.map((k) => `--${k}`),
    ...(Number.isInteger(top) && top >= 1 ? [] : [`--top ${args.top} (a whole number ≥ 1)`]),
    ...(args.json === "" ? ['--json ""'] : []),
  ];
  process.stderr.write(`time-tests: bad arguments: ${bad.join(", ")}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

interface FileCost {
  file: string;
  ok: boolean;
  wallS: number;
  cpuS: number;
  load1: number;
}

const roots = args._.length ? args._.map(String) : ["test"];
const files = (await $`find ${roots} -name '*.test.ts'`.quiet()).stdout
  .trim()
  .split("\n")
  .filter(Boolean)
  .sort();

/** One file under bash, whose `times` then prints the CPU of every child it waited for (node and its own). */
function timeOne(file: string): Promise<FileCost> {
  const script = 'node --import tsx --test --test-timeout=600000 "$1" >&2; s=$?; times; exit $s';
  const load1 = loadavg()[0];
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script, "time-tests", file], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.once("error", reject);
    child.once("close", (code) => {
      const wallS = (performance.now() - t0) / 1000;
      // `times`: the shell's own user/sys, then its children's: "0m1.234s 0m0.567s".
      const children = out.trim().split("\n").at(-1) ?? "";
      const cpuS = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + +m[1] * 60 + +m[2], 0);
      if (code !== 0) process.stderr.write(`${err}\n`);
      resolve({ file, ok: code === 0, wallS, cpuS, load1 });
    });
  });
}

const costs: FileCost[] = [];
for (const file of files) {
  const c = await timeOne(file);
  costs.push(c);
  process.stdout.write(
    `${c.ok ? "ok  " : "FAIL"} ${c.wallS.toFixed(1).padStart(6)} s wall ${c.cpuS.toFixed(1).padStart(6)} s cpu  load ${c.load1.toFixed(1).padStart(4)}  ${file}\n`,
  );
}

const sum = (k: "wallS" | "cpuS") => costs.reduce((s, c) => s + c[k], 0);
process.stdout.write(`\nslowest ${top} by CPU time:\n`);
for (const c of [...costs].sort((a, b) => b.cpuS - a.cpuS).slice(0, top))
  process.stdout.write(
    `${c.cpuS.toFixed(1).padStart(6)} s cpu ${c.wallS.toFixed(1).padStart(6)} s wall  ${c.file}\n`,
  );
process.stdout.write(
  `\n${costs.length} files: ${sum("wallS").toFixed(0)} s wall, ${sum("cpuS").toFixed(0)} s cpu; load average now ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);
if (args.json) writeFileSync(args.json, `${JSON.stringify(costs, null, 2)}\n`);
process.exit(costs.every((c) => c.ok) ? 0 : 1);
