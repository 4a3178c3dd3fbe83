// The network scenarios' bug switches, on local processes (test/integration/run-all-bugs.test.ts) and with
// the demo in containers (test/e2e/run-all-containers.test.ts): network faults act on the proxies in front of
// the services' ports, and both switches apply to containers as they do to processes.
import assert from "node:assert/strict";
import { it } from "node:test";
import { type ChildRun, journalOf, verdicts } from "./run-all-child.ts";

/** Two tests, in the caller's describe: no-timeouts fails NF-001, no-retry fails NF-003 and NF-005. */
export function networkBugSwitchTests(
  target: "process" | "docker",
  runAll: (args: string[]) => Promise<ChildRun>,
  assertNothingLeft: (run: ChildRun) => Promise<void>,
): void {
  const on = target === "docker" ? ["--target", "docker"] : [];
  const where = target === "docker" ? " (in containers)" : "";

  it(`--demo-bug no-timeouts fails NF-001${where}: the queen hangs on a partitioned hive`, async () => {
    const run = await runAll(["--quick", ...on, "--only", "NF-001", "--demo-bug", "no-timeouts"]);
    assert.equal(run.code, 1, run.stdout);
    const nf1 = journalOf(run).scenarios[0];
    assert.equal(nf1.verdict, "failed");
    assert.ok(
      nf1.checks.some((c) => !c.ok && /hang/.test(c.name)),
      JSON.stringify(nf1.checks),
    );
    await assertNothingLeft(run);
  });

  it(`--demo-bug no-retry fails NF-003 and NF-005${where}: cut connections become errors`, async () => {
    const run = await runAll(["--quick", ...on, "--only", "NF-003,NF-005", "--demo-bug", "no-retry"]);
    assert.equal(run.code, 1, run.stdout);
    const j = journalOf(run);
    assert.deepEqual(verdicts(j), { "NF-003": "failed", "NF-005": "failed" });
    // Either check shows the missing retries: errors during the fault, or the queen's own count of retries at 0
    // (in containers the cut may land on few of the queen's pooled connections: seen at 97% success once).
    for (const s of j.scenarios)
      assert.match(
        s.reason,
        target === "docker"
          ? /success rate during the fault|the gateway retried: .*observed 0 retries/
          : /success rate during the fault/,
      );
    await assertNothingLeft(run);
  });
}
