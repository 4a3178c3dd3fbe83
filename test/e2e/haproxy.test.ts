// The HAProxy example end to end, as a user runs it: Debian's haproxy in front of two backends, through the
// embedded Toxiproxy. Its own scenarios pass, its deliberately wrong expectation fails on the expected check,
// and the built-in suite mapped onto it by roles finishes with every scenario passed, failed or skipped with a
// reason (none errored). Skipped when haproxy is not installed (bash .ci/setup-haproxy.sh installs it).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { PORTS } from "../../examples/haproxy/ports.ts";
import {
  assertNothingLeft,
  type ChildRun,
  journalOf,
  runAllChild,
  verdicts,
} from "../integration/run-all-child.ts";

const CONFIG = "examples/haproxy/haproxy.config.ts";
const EXAMPLE_PORTS = Object.values(PORTS);
const haproxyMissing = spawnSync("haproxy", ["-v"]).error
  ? "haproxy is not installed: run bash .ci/setup-haproxy.sh"
  : undefined;

const runAll = (args: string[], timeoutMs: number) =>
  runAllChild(["--config", CONFIG, ...args], { offset: 0, timeoutMs });
const output = (run: ChildRun) => `${run.stdout}\n${run.stderr}`;

describe("examples/haproxy", { timeout: 600_000, skip: haproxyMissing }, () => {
  // One --quick run of everything (the example's own scenarios first, then the built-in suite mapped by roles):
  // the whole suite in about four minutes, instead of starting the system twice.
  it("its own scenarios pass; the built-in suite runs on it, none errors, each skip says why", async () => {
    const run = await runAll(["--quick"], 540_000);
    assert.ok(run.code === 0 || run.code === 1, `exit 0 or 1, got ${run.code}\n${output(run)}`);
    const j = journalOf(run);

    const own = j.scenarios.filter((s) => s.file.startsWith("examples/haproxy/"));
    assert.deepEqual(verdicts({ ...j, scenarios: own }), {
      "HA-001": "passed",
      "HA-002": "passed",
      "HA-003": "passed",
      "HA-004": "passed",
    });
    for (const s of own.filter((x) => x.suite === "chaos")) {
      assert.ok(s.checks.length >= 5 && s.checks.every((c) => c.ok), `${s.id} judged on its checks`);
      assert.ok(
        s.faults.length >= 1 && s.faults.every((f) => f.revertedAt !== undefined),
        `${s.id} reverted`,
      );
    }
    // The evidence is HAProxy's own: A went DOWN (its stats) and B answered (the x-backend header).
    const ha1 = own.find((s) => s.id === "HA-001")!;
    assert.equal(typeof ha1.observations?.markedDownMs, "number");
    assert.ok((ha1.windows.during?.captures?.backend?.B ?? 0) > 10, "B answered during the fault");

    const builtin = j.scenarios.filter((s) => s.file.startsWith("scenarios/"));
    assert.ok(builtin.length >= 20, `the built-in suite ran (${builtin.length} scenarios)`);
    for (const s of j.scenarios) {
      assert.ok(["passed", "failed", "skipped"].includes(s.verdict), `${s.id} ${s.verdict}: ${s.reason}`);
      if (s.verdict === "skipped") {
        assert.ok(
          s.reason.length > 0 && !s.reason.includes("\n"),
          `${s.id} skipped with one line: ${s.reason}`,
        );
        assert.doesNotMatch(s.reason, /TypeError|undefined/, `${s.id}'s skip reason`);
      }
    }
    // What the roles decide: no pool of workers here, so the worker scenarios skip naming the role.
    for (const s of builtin.filter((x) => x.id.startsWith("WC-")))
      assert.match(s.reason, /role workers .* is not mapped/);
    // Those that fit run: the network faults on the backend behind HAProxy.
    for (const id of ["NF-002", "NF-004", "NF-006"])
      assert.notEqual(verdicts(j)[id], "skipped", `${id} runs on the backend role`);
    await assertNothingLeft(run, EXAMPLE_PORTS);
  });

  it("the wrong expectation (traffic stays on A while A is down) fails, exit 1, on that check", async () => {
    const run = await runAll(
      ["--no-builtin", "--scenarios", "examples/haproxy/wrong", "--only", "HA-900"],
      120_000,
    );
    assert.equal(run.code, 1, output(run));
    const [s] = journalOf(run).scenarios;
    assert.equal(s.id, "HA-900");
    assert.equal(s.verdict, "failed");
    const failed = s.checks.filter((c) => !c.ok).map((c) => c.name);
    assert.deepEqual(failed, ["A keeps answering while it is down"]);
    assert.match(s.reason, /A keeps answering while it is down: expected >= 50%, observed B: 100%/);
    await assertNothingLeft(run, EXAMPLE_PORTS);
  });
});
