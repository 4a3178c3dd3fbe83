// The processes that launched this one: `npx tsx x.ts` runs npm exec → sh -c tsx → tsx → node x.ts. npm
// forwards SIGTERM only to its `sh`, which dies without passing it on, and tsx, orphaned, keeps us running: so
// the runner watches its launchers and takes the death of any of them as a SIGTERM.
import { commandLine, isSameProcess, type ProcessRef, parentPid, processRef } from "./process-identity.ts";

/** A launcher is our parent, and above it every npm / npx / tsx / `sh -c` wrapper up to the first other process. */
const WRAPPER = /(^|[\s/])(npm|npx|tsx|node)(\s|$)|^npm exec|^sh -c|\/\.bin\/tsx|tsx\/dist\/cli/;

export function launcherChain(): (ProcessRef & { command: string })[] {
  const chain: (ProcessRef & { command: string })[] = [];
  let pid = process.ppid;
  while (pid > 1 && chain.length < 8) {
    const command = commandLine(pid);
    if (chain.length > 0 && !WRAPPER.test(command)) break;
    chain.push({ ...processRef(pid), command });
    const up = parentPid(pid);
    if (up === undefined) break;
    pid = up;
  }
  return chain;
}

/**
 * Calls `onDeath` once when a launcher dies (polled every `intervalMs`; the timer does not keep the process
 * alive). Returns a function that stops watching.
 */
/** npm exec (npx) says so in the environment it gives its script; its process must then be among the launchers. */
function npxGone(chain: { command: string }[]): boolean {
  return (
    process.env.npm_command === "exec" &&
    process.env.npm_lifecycle_event === "npx" &&
    !chain.some((p) => /^npm exec|(^|[\s/])npx(\s|$)|npm-cli\.js/.test(p.command))
  );
}

/**
 * The chain as it was when this module was loaded, early in the process: a launcher killed before the runner
 * starts watching (it loads its config and scenarios first) is still noticed, as missing from it.
 */
const chainAtLoad = launcherChain();

export function watchLaunchers(
  onDeath: (launcher: ProcessRef & { command: string }) => void,
  intervalMs = 250,
): () => void {
  const now = launcherChain();
  const chain = [...chainAtLoad, ...now.filter((p) => !chainAtLoad.some((q) => q.pid === p.pid))];
  if (npxGone(chain)) {
    // Killed before this module was even loaded: its `sh -c` was handed to init, and nothing else will tell.
    const gone = { pid: 0, command: "npx (npm exec), gone before this process could watch it" };
    setImmediate(() => onDeath(gone));
    return () => {};
  }
  if (chain.length === 0) return () => {};
  const timer = setInterval(() => {
    const dead = chain.find((p) => !isSameProcess(p));
    if (dead) {
      clearInterval(timer);
      onDeath(dead);
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
