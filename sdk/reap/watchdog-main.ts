// The dead-man switch of a run: a small process, in a session of its own (a Ctrl-C to the run's terminal does
// not reach it), that holds the read end of a pipe from the run. The run says "settled" before it closes the
// pipe on a clean end; any other end of the pipe (SIGKILL, process.exit(), a crash: the kernel closes the
// run's descriptors) means the run died, and the watchdog settles the run's ledger, then exits.
//   node watchdog-main.js LEDGER_FILE OWNER_PID [BUNDLE_DIR]
import { rmSync } from "node:fs";
import { isSameProcess, processStartTime } from "../core/process-identity.ts";
import { settleLedgerFile } from "./settle-ledger.ts";

const [file, ownerArg, bundleDir] = process.argv.slice(2);
const owner = { pid: Number(ownerArg), startTime: processStartTime(Number(ownerArg)) };
// Loaded: the bundle is in memory and no longer needed on disk.
if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });

const say = (line: string) => {
  try {
    process.stderr.write(`hivestorm watchdog: ${line}\n`);
  } catch {
    // nobody is listening any more
  }
};
process.stderr.on("error", () => {});
process.stdout.on("error", () => {});
for (const s of ["SIGINT", "SIGHUP", "SIGPIPE"] as const) process.on(s, () => {});

let settled = false;
let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  input += chunk;
  if (input.includes("settled\n")) settled = true;
});
process.stdin.on("error", () => {});
process.stdin.once("close", () => void onEnd());
process.stdout.write("ready\n");

async function onEnd(): Promise<void> {
  if (settled) process.exit(0);
  const t0 = Date.now();
  // The pipe closes as the owner dies; wait for the kernel to finish tearing it down (bounded).
  for (let i = 0; i < 40 && isSameProcess(owner); i++) await new Promise((r) => setTimeout(r, 25));
  try {
    const result = await settleLedgerFile(file, {
      expectOwnerPid: owner.pid,
      force: true,
      graceMs: 700,
      timed: true,
      log: (line) => say(line),
    });
    if (result.settled.length || result.left.length)
      say(
        `run ${owner.pid} died; settled ${result.settled.length} entr${result.settled.length === 1 ? "y" : "ies"} of ${file} in ${Date.now() - t0} ms${result.left.length ? `; ${result.left.length} left: run npx tsx scripts/reap.ts --ledger ${file}` : ""}`,
      );
    process.exit(result.left.length ? 1 : 0);
  } catch (error) {
    say(
      `could not settle ${file}: ${(error as Error).message}; run npx tsx scripts/reap.ts --ledger ${file}`,
    );
    process.exit(1);
  }
}
