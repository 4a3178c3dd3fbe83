// run-all on the demo's compose file, as a user runs it: the containers come from demo/rbee/docker-compose.yml,
// the proxies and roles from hivestorm.config.ts; a network fault and a worker kill pass against the healthy
// demo, a bug switch reaches the containers and fails the scenario it breaks, and nothing is left behind, even
// when the runner is SIGKILLed mid-scenario (its watchdog settles the ledger: the containers are in it).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { before, describe, it } from "node:test";
import { COMPOSE_PROJECT_LABEL } from "../../sdk/system/compose/compose-system.ts";
import { listContainers } from "../../sdk/system/targets/docker-containers.ts";
import {
  assertNothingLeft,
  type ChildRunOptions,
  demoPorts,
  journalOf,
  portOpen,
  runAllChild,
  shifted,
  verdicts,
} from "../integration/run-all-child.ts";
import { buildDemoImage, dockerSkip } from "./demo-image.ts";

// Ports of their own (8080 + 4500 ...): other tests run the suite at other offsets at the same time.
const OFFSET = 4500;
const PROJECT = `rbee-${shifted(OFFSET)}`;
const COMPOSE = "demo/rbee/docker-compose.yml";

const runAll = (args: string[], onStdout?: ChildRunOptions["onStdout"]) =>
  runAllChild(["--compose", COMPOSE, ...args], { offset: OFFSET, timeoutMs: 300_000, onStdout });

async function assertNoContainerLeft(): Promise<void> {
  const left = await listContainers({ labels: [`${COMPOSE_PROJECT_LABEL}=${PROJECT}`] });
  assert.deepEqual(
    left.map((c) => c.Names),
    [],
    `no container of compose project ${PROJECT} left`,
  );
}

const skip = await dockerSkip();
before(async () => {
  if (!skip) await buildDemoImage();
});

describe("run-all --compose demo/rbee/docker-compose.yml", { timeout: 900_000 }, () => {
  it("NF-001 and WC-001 pass against the healthy demo started from the compose file", async (t) => {
    if (skip) return t.skip(skip);
    const run = await runAll(["--quick", "--only", "NF-001,WC-001"]);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "NF-001": "passed", "WC-001": "passed" }, run.stdout + run.stderr);
    assert.equal(run.code, 0);
    // Started by hivestorm from the file, in depends_on order, and the worker killed is a compose service's container.
    const order = [...run.stdout.matchAll(/starting (\S+) in docker/g)].map((m) => m[1]);
    assert.deepEqual(order, ["hive", "worker-0", "worker-1", "worker-2", "worker-3", "queen"], run.stdout);
    assert.match(
      run.stdout,
      new RegExp(`WC-001: hit container worker-\\d+ \\(hivestorm-worker-${9300 + shifted(OFFSET)}-\\d\\)`),
    );
    assert.match(
      run.stdout,
      /restarted hivestorm-worker-\d+-\d/,
      "restart: always brought the killed worker back",
    );
    await assertNothingLeft(run, demoPorts(OFFSET));
    await assertNoContainerLeft();
  });

  it("a bug switch reaches the compose file's containers: --demo-bug no-eviction fails WC-001", async (t) => {
    if (skip) return t.skip(skip);
    const run = await runAll(["--quick", "--only", "WC-001", "--demo-bug", "no-eviction"]);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "WC-001": "failed" }, run.stdout + run.stderr);
    assert.equal(run.code, 1);
    const failed = j.scenarios[0].checks.filter((c) => !c.ok).map((c) => c.name);
    assert.ok(
      failed.some((n) => /evicts/.test(n)),
      `the eviction check is among the failed: ${failed.join("; ")}`,
    );
    await assertNothingLeft(run, demoPorts(OFFSET));
    await assertNoContainerLeft();
  });

  it("SIGKILL to the runner mid-scenario: its watchdog removes the project's containers", async (t) => {
    if (skip) return t.skip(skip);
    let killed = false;
    const run = await runAll(["--quick", "--only", "WC-001"], (out, child) => {
      if (!killed && /WC-001 phase fault/.test(out)) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    assert.equal(killed, true, run.stdout);
    assert.equal(run.code, null, "killed");
    // The watchdog notices the dead runner at once; removing six containers takes a few seconds on a busy machine.
    const deadline = Date.now() + 90_000;
    let left: string[][] = [];
    let open: number[] = [];
    while (Date.now() < deadline) {
      left = (await listContainers({ labels: [`${COMPOSE_PROJECT_LABEL}=${PROJECT}`] })).map((c) => c.Names);
      open = [];
      for (const p of demoPorts(OFFSET)) if (await portOpen(p)) open.push(p);
      if (left.length === 0 && open.length === 0 && !existsSync(run.ledger)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.deepEqual(left, [], "no container of the project left");
    assert.deepEqual(open, [], "no port of the demo open");
    assert.equal(existsSync(run.ledger), false, "the ledger was settled");
  });
});
