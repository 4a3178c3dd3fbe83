#!/usr/bin/env -S npx tsx
// Settles what dead runs left behind, from the ledgers they mirrored to disk (.hivestorm/ledger.json, and
// .hivestorm/ledger.<pid>.json written beside it while it was held):
//   npx tsx scripts/reap.ts [--ledger FILE] [--dry-run] [--force] [--containers]
// Reverts what is still applied, says what died with its owner, and exits 0 only when nothing is left.
// A ledger whose run is still alive is left alone unless --force: that run reverts its own.
// --containers also removes the hivestorm containers whose run is dead (never a live run's).
import { relative } from "node:path";
import { minimist } from "zx";
import {
  commandLine,
  DEFAULT_LEDGER_FILE,
  dockerAvailability,
  dockerClient,
  isSameProcess,
  ledgerFilesAt,
  listContainers,
  parseOwnerLabel,
  settleLedgerFile,
} from "../sdk/index.ts";

const USAGE = "usage: npx tsx scripts/reap.ts [--ledger FILE] [--dry-run] [--force] [--containers]\n";
const FLAGS = ["_", "ledger", "force", "help", "containers", "dry-run"];
const args = minimist(process.argv.slice(2), {
  string: ["ledger"],
  boolean: ["force", "help", "containers", "dry-run"],
});
const unknown = Object.keys(args).filter((k) => !FLAGS.includes(k));
if (unknown.length || args._.length || args.ledger === "") {
  const bad = [
    ...unknown.map((k) => `--${k}`),
    ...args._.map(String),
    ...(args.ledger === "" ? ['--ledger ""'] : []),
  ];
  process.stderr.write(`reap: unknown or empty arguments: ${bad.join(" ")}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const dryRun = Boolean(args["dry-run"]);
const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
let left = 0;

if (args.containers) left += await reapContainers();

const files = args.ledger
  ? [args.ledger]
  : ledgerFilesAt(process.env.HIVESTORM_LEDGER ?? DEFAULT_LEDGER_FILE);
let found = 0;
for (const file of files) {
  const name = relative(process.cwd(), file) || file;
  let result: Awaited<ReturnType<typeof settleLedgerFile>>;
  try {
    result = await settleLedgerFile(file, { dryRun, force: Boolean(args.force), log: out });
  } catch (error) {
    err(`reap: ${(error as Error).message}`);
    left++;
    continue;
  }
  if (result.missing) continue;
  found++;
  if (result.ownerAlive) {
    const cmd = commandLine(result.owner!.pid);
    err(
      `reap: ${name}: the run with pid ${result.owner!.pid}${cmd ? ` (${cmd})` : ""} is still alive and owns it; stop it (it reverts its own) or pass --force`,
    );
    left++;
    continue;
  }
  if (dryRun) continue;
  left += result.left.length;
  out(
    `reap: ${name}: ${result.settled.length} settled${result.left.length ? `, ${result.left.length} left (see above)` : ", nothing left"}`,
  );
}
if (found === 0)
  out(`reap: nothing to do (no ledger at ${files.map((f) => relative(process.cwd(), f) || f).join(", ")})`);
process.exit(left ? 1 : 0);

/** Removes the containers of dead runs; returns how many could not be (or may not be) removed. */
async function reapContainers(): Promise<number> {
  const docker = await dockerAvailability();
  if (!docker.ok) {
    out("reap: no Docker engine answering; no containers to remove");
    return 0;
  }
  let kept = 0;
  for (const info of await listContainers({})) {
    const name = info.Names[0]?.replace(/^\//, "") ?? info.Id;
    const owner = parseOwnerLabel(info.Labels);
    if (!owner && !args.force) {
      err(
        `reap: container ${name} names no owner run (an older hivestorm's); left alone: pass --force to remove it`,
      );
      kept++;
      continue;
    }
    if (owner && isSameProcess(owner)) {
      out(`reap: container ${name} belongs to the live run with pid ${owner.pid}; left alone`);
      continue;
    }
    if (dryRun) {
      out(`would remove: container ${name}`);
      continue;
    }
    try {
      await dockerClient().getContainer(info.Id).remove({ force: true, v: true });
      out(`removed: container ${name}${owner ? ` (its run, pid ${owner.pid}, is dead)` : ""}`);
    } catch (error) {
      err(`reap: could not remove container ${name}: ${(error as Error).message}`);
      kept++;
    }
  }
  return kept;
}
