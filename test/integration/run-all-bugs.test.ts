// The network scenarios' bug switches on local processes, as a user runs them: run-all in a child process
// against the demo with the switch on; the same in containers is test/e2e/run-all-containers.test.ts.
import { describe } from "node:test";
import { networkBugSwitchTests } from "./network-bug-switches.ts";
import { assertNothingLeft, demoPorts, runAllChild } from "./run-all-child.ts";

// Ports of their own (8080 + 1850 ...): run-all.test.ts runs at 1500, streaming-load at 1650, maybe beside it.
const OFFSET = 1850;
const PORTS = demoPorts(OFFSET);

describe("run-all with the demo's network bug switches", { timeout: 600_000 }, () => {
  networkBugSwitchTests(
    "process",
    (args) => runAllChild(args, { offset: OFFSET, timeoutMs: 300_000 }),
    (run) => assertNothingLeft(run, PORTS),
  );
});
