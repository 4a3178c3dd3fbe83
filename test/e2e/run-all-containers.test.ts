// The network scenarios' bug switches with the demo in containers (--target docker), as a user runs them:
// run-all in a child process; the switches fail the same scenarios as on processes, and nothing is left behind.
import { join } from "node:path";
import { before, describe } from "node:test";
import { dockerAvailability } from "../../sdk/system/targets/docker-engine.ts";
import { buildNodeImage } from "../../sdk/system/targets/node-image.ts";
import { networkBugSwitchTests } from "../integration/network-bug-switches.ts";
import { assertNothingLeft, demoPorts, runAllChild } from "../integration/run-all-child.ts";

// The ports of test/integration/run-all.test.ts (8080 + 1500 ...): the system tests run one file at a time.
const OFFSET = 1500;
const PORTS = demoPorts(OFFSET);

const docker = await dockerAvailability();
const skip = docker.ok ? false : `no Docker engine (${docker.reason}): bash .ci/setup-docker.sh`;

describe("run-all with the demo in containers: the network bug switches", { skip, timeout: 600_000 }, () => {
  before(async () => {
    // Up to date in a second when .ci/run built it already.
    await buildNodeImage({
      entries: ["queen", "hive", "worker"].map((s) => join(process.cwd(), `demo/rbee/${s}.ts`)),
    });
  });
  networkBugSwitchTests(
    "docker",
    (args) => runAllChild(args, { offset: OFFSET, timeoutMs: 300_000 }),
    (run) => assertNothingLeft(run, PORTS),
  );
});
