// One place that turns SIGINT, SIGTERM, fatal exceptions, a dead launcher and a broken stdout/stderr pipe into
// an orderly cleanup: every registered hook runs once (newest first), then the process exits with the
// conventional code (130 for SIGINT, 143 for SIGTERM, 141 for a broken pipe, 1 for an exception). A second
// SIGINT while cleaning up does not abandon it; a third forces the exit and says which ledger entries the
// run's watchdog (or scripts/reap.ts) will restore.
import { watchLaunchers } from "./launcher.ts";
import type { CleanupLedger } from "./ledger.ts";

export type ShutdownReason =
  | "SIGINT"
  | "SIGTERM"
  | "SIGHUP"
  | "EPIPE"
  | "uncaughtException"
  | "unhandledRejection";
type Hook = (reason: ShutdownReason) => Promise<void> | void;

const hooks = new Set<Hook>();
const ledgers = new Set<CleanupLedger>();
let installed = false;
let shuttingDown: Promise<void> | undefined;
let exitCode: number | undefined;
let signals = 0;
let outputBroken = false;

const EXIT_CODES: Record<ShutdownReason, number> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
  EPIPE: 141,
  uncaughtException: 1,
  unhandledRejection: 1,
};

/** Registers a cleanup hook; returns a function that unregisters it (call it once the work is done). */
export function onShutdown(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** A ledger whose open entries a forced exit names (and the watchdog or reap.ts restores). */
export function trackLedger(ledger: CleanupLedger): () => void {
  ledgers.add(ledger);
  return () => ledgers.delete(ledger);
}

/** Runs every hook once and resolves when all are done. A second signal while cleaning up does not abort it. */
export function runShutdownHooks(reason: ShutdownReason): Promise<void> {
  shuttingDown ??= (async () => {
    for (const hook of [...hooks].reverse()) {
      try {
        await hook(reason);
      } catch (error) {
        say(`hivestorm: cleanup hook failed during ${reason}: ${String(error)}`);
      }
    }
    hooks.clear();
  })();
  return shuttingDown;
}

/** Writes to stderr unless it is broken: a message about a broken pipe must not break it again. */
function say(line: string): void {
  if (outputBroken) return;
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    outputBroken = true;
  }
}

/**
 * One Ctrl-C can arrive twice: the kernel sends it to the whole group, and tsx relays it again when this
 * process did not acknowledge it within 30 ms. Signals closer than this count once.
 */
const SAME_SIGNAL_MS = 500;
let lastSignalAt = 0;

function handle(reason: ShutdownReason, detail?: string): void {
  if (reason === "SIGINT" || reason === "SIGTERM" || reason === "SIGHUP") {
    const now = Date.now();
    if (shuttingDown && now - lastSignalAt < SAME_SIGNAL_MS) return;
    lastSignalAt = now;
    signals++;
  }
  if (shuttingDown) {
    if (signals === 2) say(`hivestorm: ${reason} again: still reverting (once more to force the exit)`);
    if (signals >= 3) forceExit(reason);
    return;
  }
  exitCode = EXIT_CODES[reason];
  say(detail ? `hivestorm: ${detail}` : `\nhivestorm: ${reason} received, reverting faults and stopping`);
  void runShutdownHooks(reason).finally(() => process.exit(exitCode));
}

function forceExit(reason: ShutdownReason): never {
  const open = [...ledgers].flatMap((l) => l.entries().map((e) => ({ e, file: l.file })));
  const lines = [
    `hivestorm: ${reason} a third time: exiting now, with ${open.length} ledger entr${open.length === 1 ? "y" : "ies"} open`,
  ];
  for (const { e } of open) lines.push(`  - ${e.description}`);
  if (open.length) {
    const files = [...new Set(open.map((o) => o.file).filter(Boolean))];
    lines.push(
      `the run's watchdog restores them within seconds; if it cannot, run npx tsx scripts/reap.ts${files.length ? ` --ledger ${files.join(" ")}` : ""}`,
    );
  }
  say(lines.join("\n"));
  process.exit(exitCode ?? EXIT_CODES[reason]);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => handle("SIGINT"));
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("SIGHUP", () => handle("SIGHUP"));
  process.on("uncaughtException", (e) => {
    if (isBrokenPipe(e)) return brokenPipe();
    handle("uncaughtException", `uncaughtException: ${formatError(e)}`);
  });
  process.on("unhandledRejection", (e) =>
    handle("unhandledRejection", `unhandledRejection: ${formatError(e)}`),
  );
  // A reader that went away (`run-all | head`): clean up once, quietly, instead of failing on every write.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (e) => (isBrokenPipe(e) ? brokenPipe() : undefined));
  watchLaunchers((launcher) =>
    handle(
      "SIGTERM",
      `the process that launched this one died (${launcher.pid ? `pid ${launcher.pid}: ` : ""}${launcher.command}): stopping as on SIGTERM`,
    ),
  );
}

function brokenPipe(): void {
  outputBroken = true;
  handle("EPIPE");
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException)?.code;
  return code === "EPIPE" || code === "ERR_STREAM_DESTROYED";
}

function formatError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
