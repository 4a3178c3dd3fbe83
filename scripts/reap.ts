#!/usr/bin/env -S npx tsx
// Reverts what a killed run left behind, from the ledger it mirrored to disk (.hivestorm/ledger.json):
//   npx tsx scripts/reap.ts [--ledger FILE] [--force] [--containers]
// --containers also removes every container labelled hivestorm=1 (those a killed run started).
// A ledger whose run is still alive is left alone unless --force: that run reverts its own faults.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { minimist } from "zx";
import { reapRecord } from "../sdk/chaos/reapers.ts";
import { DEFAULT_LEDGER_FILE, type ReapRecord } from "../sdk/core/ledger.ts";
import { dockerAvailability, removeContainers } from "../sdk/system/targets/index.ts";

const args = minimist(process.argv.slice(2), {
  string: ["ledger"],
  boolean: ["force", "help", "containers"],
});
const unknown = Object.keys(args).filter((k) => !["_", "ledger", "force", "help", "containers"].includes(k));
if (unknown.length || args._.length) {
  process.stderr.write(
    `reap: unknown arguments: ${[...unknown.map((k) => `--${k}`), ...args._].join(" ")}\nusage: npx tsx scripts/reap.ts [--ledger FILE] [--force] [--containers]\n`,
  );
  process.exit(2);
}
if (args.help) {
  process.stdout.write("usage: npx tsx scripts/reap.ts [--ledger FILE] [--force] [--containers]\n");
  process.exit(0);
}
if (args.containers) {
  const docker = await dockerAvailability();
  if (docker.ok) {
    const removed = await removeContainers({});
    process.stdout.write(
      `reap: removed ${removed.length} container(s)${removed.length ? `: ${removed.join(", ")}` : ""}\n`,
    );
  } else process.stdout.write("reap: no Docker engine answering; no containers to remove\n");
}
const file = args.ledger ?? process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE;
if (!existsSync(file)) {
  process.stdout.write(`reap: nothing to do (no ledger at ${file})\n`);
  process.exit(0);
}
const ledger = JSON.parse(readFileSync(file, "utf8")) as {
  entries: (ReapRecord & { id: string; description: string; pid: number })[];
};
const alive = ledger.entries.filter((e) => isAlive(e.pid));
if (alive.length && !args.force) {
  process.stderr.write(
    `reap: the run with pid ${alive[0].pid} is still alive and owns these faults; stop it (it reverts them) or pass --force\n`,
  );
  process.exit(1);
}
const left: typeof ledger.entries = [];
for (const entry of ledger.entries.reverse()) {
  try {
    await reapRecord(entry);
    process.stdout.write(`reverted: ${entry.description}\n`);
  } catch (error) {
    left.push(entry);
    process.stderr.write(`could not revert ${entry.description}: ${(error as Error).message}\n`);
  }
}
if (left.length) writeFileSync(file, `${JSON.stringify({ version: 1, entries: left.reverse() }, null, 2)}\n`);
else rmSync(file, { force: true });
process.exit(left.length ? 1 : 0);

function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
