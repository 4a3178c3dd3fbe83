// What travels with a run instead of process-wide setters: its time scale, its cleanup ledger, its abort signal
// and the layers' own state (the chaos context, the testbed), keyed by their symbols. The runner runs each
// scenario `within` its scope (an AsyncLocalStorage, as zx's `within` does), so that two runs in one process
// never share a setting; a script's testbed is the ambient scope of the code after it.
import { AsyncLocalStorage } from "node:async_hooks";
import type { CleanupLedger } from "./ledger.ts";

export interface RunScope {
  /** Factor applied to phase durations (`--time-scale`, `--quick`); 1 by default. */
  readonly timeScale: number;
  readonly ledger?: CleanupLedger;
  readonly signal?: AbortSignal;
  /** State of the layers above core, each under its own symbol. */
  readonly extras: ReadonlyMap<symbol, unknown>;
}

// Created on first use, not on import: browser pages load pure helpers that import this module (through
// duration.ts) and have no AsyncLocalStorage.
let storage: AsyncLocalStorage<RunScope> | undefined;
const ambient: RunScope[] = [];

/** The scope of the current run: the innermost `within`, else the newest open ambient scope (a script's testbed). */
export function runScope(): RunScope | undefined {
  return storage?.getStore() ?? ambient.at(-1);
}

/** Runs `fn` (and everything it starts, timers and promises included) inside `scope`. */
export function within<T>(scope: RunScope, fn: () => T): T {
  storage ??= new AsyncLocalStorage<RunScope>();
  return storage.run(scope, fn);
}

/** Makes `scope` the ambient scope of this process until the returned function is called (a script's testbed). */
export function enterAmbient(scope: RunScope): () => void {
  ambient.push(scope);
  return () => {
    const i = ambient.lastIndexOf(scope);
    if (i >= 0) ambient.splice(i, 1);
  };
}

export function makeScope(
  o: Partial<Omit<RunScope, "extras">> & { extras?: Map<symbol, unknown> },
): RunScope {
  return { timeScale: o.timeScale ?? 1, ledger: o.ledger, signal: o.signal, extras: o.extras ?? new Map() };
}
