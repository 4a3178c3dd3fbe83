// The runner's resolver against real processes: an owner that spawned two instances and lists one of them.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { after, before, describe, it } from "node:test";
import { program, systemCandidates } from "../../../sdk/chaos/process/system-candidates.ts";
import { FaultError } from "../../../sdk/core/errors.ts";
import { procCommand } from "../../../sdk/system/targets/proc.ts";
import { exitOf, OWNER } from "./helpers.ts";

let owner: ChildProcess;
let pids: number[] = [];

before(async () => {
  owner = spawn(process.execPath, [OWNER, "2"], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("owner did not start")), 10_000);
    owner.stdout!.once("data", (d) => {
      clearTimeout(timer);
      resolve(String(d));
    });
  });
  pids = (JSON.parse(line) as { pids: number[] }).pids;
  // Until both children have exec'd the sleeper (before, /proc shows the owner's command line).
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const cmds = await Promise.all(pids.map((p) => procCommand(p)));
    if (cmds.every((c) => c.includes("sleeper.mjs"))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  owner.kill("SIGTERM");
  await Promise.race([exitOf(owner), new Promise((r) => setTimeout(r, 3000))]);
});

function resolver(listed: () => number[]) {
  return systemCandidates({
    target: "process",
    services: {
      owner: {
        instances: async () =>
          listed().map((pid, i) => ({
            id: `inst-${i}`,
            pid,
            state: "ready",
            inflight: i,
            url: "http://127.0.0.1:1",
          })),
      },
      other: {},
    },
    running: { owner: { pid: owner.pid }, other: undefined },
  });
}

describe("systemCandidates", () => {
  it("lists the instances the owner reports, and its unlisted children of the same program as starting", async () => {
    const found = await resolver(() => [pids[0]])("worker");
    const byState = Object.fromEntries(found.map((c) => [c.state, c]));
    assert.equal(found.length, 2);
    assert.equal(byState.ready.id, "inst-0");
    assert.equal(byState.ready.pid, pids[0]);
    assert.equal(byState.starting.pid, pids[1]);
    assert.equal(await byState.starting.target.isRunning(), true);
    assert.ok(found.every((c) => c.service === "owner"));
  });

  it("two listed ids on one process are one candidate, the later listing's (not acted on twice)", async () => {
    const found = await resolver(() => [pids[0], pids[0], pids[1]])("worker");
    assert.deepEqual(
      found.map((c) => [c.id, c.pid]),
      [
        ["inst-1", pids[0]],
        ["inst-2", pids[1]],
      ],
    );
  });

  it("a service selector is the service's own process", async () => {
    const [c] = await resolver(() => pids)("owner");
    assert.equal(c.pid, owner.pid);
    assert.equal(c.id, "owner");
    assert.match(c.target.describe(), /owner\.mjs/);
  });

  it("a service the runner did not start, or a selector naming nothing, is refused", async () => {
    await assert.rejects(
      resolver(() => pids)("other"),
      (e: unknown) => e instanceof FaultError && /has no process/.test(e.message),
    );
    await assert.rejects(
      resolver(() => pids)("gpu"),
      (e: unknown) =>
        e instanceof FaultError && /"gpu"/.test(e.message) && /owner\/instances/.test(e.message),
    );
  });

  it("an owner that lists nothing has no target", async () => {
    await assert.rejects(resolver(() => [])("owner/instances"), /resolves to no target/);
  });

  it("program() finds the script a command line runs", () => {
    assert.equal(program("/usr/bin/node --import tsx /app/worker.ts --port 1"), "/app/worker.ts");
    assert.equal(program("/usr/bin/sleep 10"), "/usr/bin/sleep");
    assert.equal(program(""), "");
  });
});
