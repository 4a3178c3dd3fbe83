// The network scenarios' bug switches with the demo in containers (--target docker), as a user runs them:
// run-all in a child process; the switches fail the same scenarios as on processes, and nothing is left behind.
import { before, describe } from "node:test";
import { networkBugSwitchTests } from "../integration/network-bug-switches.ts";
import { assertNothingLeft, demoPorts, runAllChild } from "../integration/run-all-child.ts";
import { buildDemoImage, dockerSkip } from "./demo-image.ts";

// The ports of test/integration/run-all.test.ts (8080 + 1500 ...): the system tests run one file at a time.
const OFFSET = 1500;
const PORTS = demoPorts(OFFSET);

const skip = await dockerSkip();

describe("run-all with the demo in containers: the network bug switches", { skip, timeout: 600_000 }, () => {
  before(buildDemoImage);
  networkBugSwitchTests(
    "docker",
    (args) => runAllChild(args, { offset: OFFSET, timeoutMs: 300_000 }),
    (run) => assertNothingLeft(run, PORTS),
  );
});
