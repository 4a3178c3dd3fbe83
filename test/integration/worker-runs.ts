// What the worker crash tests share (test/integration/workers*.test.ts on processes,
// test/e2e/workers-containers.test.ts in containers): run-all in a child process on a demo at its own ports, and
// the journal read by scenario and check.
import assert from "node:assert/strict";
import type { RunJournal, ScenarioResult } from "../../sdk/core/journal.ts";
import { assertNothingLeft, type ChildRun, demoPorts, runAllChild } from "./run-all-child.ts";

export const ALL_WC = "WC-001,WC-002,WC-003,WC-004,WC-005";

export const byId = (j: RunJournal) =>
  Object.fromEntries(j.scenarios.map((s) => [s.id, s])) as Record<string, ScenarioResult>;
export const check = (s: ScenarioResult, name: RegExp) => {
  const c = s.checks.find((x) => name.test(x.name));
  assert.ok(c, `${s.id} has a check ${name}: ${JSON.stringify(s.checks.map((x) => x.name))}`);
  return c;
};
/** The milliseconds an observation starts with ("1234 ms ..."), or NaN. */
export const ms = (observed: string) => Number(/^(\d+) ms/.exec(observed)?.[1] ?? Number.NaN);

/** run-all on the demo at `offset`, and the check that it left no port open and no fault in the ledger. */
export function workerRuns(offset: number) {
  const ports = demoPorts(offset);
  return {
    runAll: (args: string[]) => runAllChild(args, { offset, timeoutMs: 240_000 }),
    assertNothingLeft: (run: ChildRun) => assertNothingLeft(run, ports),
  };
}
