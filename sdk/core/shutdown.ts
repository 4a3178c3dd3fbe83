// One place that turns SIGINT, SIGTERM and fatal exceptions into an orderly cleanup: every registered hook runs
// once (newest first), then the process exits with the conventional code (130 for SIGINT, 143 for SIGTERM).

export type ShutdownReason = "SIGINT" | "SIGTERM" | "uncaughtException" | "unhandledRejection";
type Hook = (reason: ShutdownReason) => Promise<void> | void;

const hooks = new Set<Hook>();
let installed = false;
let shuttingDown: Promise<void> | undefined;

const EXIT_CODES: Record<ShutdownReason, number> = {
  SIGINT: 130,
  SIGTERM: 143,
  uncaughtException: 1,
  unhandledRejection: 1,
};

/** Registers a cleanup hook; returns a function that unregisters it (call it once the work is done). */
export function onShutdown(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => hooks.delete(hook);
}

/** Runs every hook once and resolves when all are done. A second signal while cleaning up does not abort it. */
export function runShutdownHooks(reason: ShutdownReason): Promise<void> {
  shuttingDown ??= (async () => {
    for (const hook of [...hooks].reverse()) {
      try {
        await hook(reason);
      } catch (error) {
        process.stderr.write(`hivestorm: cleanup hook failed during ${reason}: ${String(error)}\n`);
      }
    }
    hooks.clear();
  })();
  return shuttingDown;
}

function install(): void {
  if (installed) return;
  installed = true;
  const handle = (reason: ShutdownReason, error?: unknown) => {
    if (error !== undefined) process.stderr.write(`hivestorm: ${reason}: ${formatError(error)}\n`);
    else if (!shuttingDown)
      process.stderr.write(`\nhivestorm: ${reason} received, reverting faults and stopping\n`);
    void runShutdownHooks(reason).finally(() => process.exit(EXIT_CODES[reason]));
  };
  process.on("SIGINT", () => handle("SIGINT"));
  process.on("SIGTERM", () => handle("SIGTERM"));
  process.on("uncaughtException", (e) => handle("uncaughtException", e));
  process.on("unhandledRejection", (e) => handle("unhandledRejection", e));
}

function formatError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
