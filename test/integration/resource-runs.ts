// What the resource and stress tests share (test/integration/resources*.test.ts on processes,
// test/e2e/resources-containers.test.ts in containers): run-all in a child process on a demo at its own ports,
// the verdicts, and the check that nothing is left behind: no stressor, no cgroup, no mount, no ledger, no port.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stressorMissing } from "../../sdk/chaos/resource/stressor.ts";
import { scopeMissing } from "../../sdk/chaos/resource/target-scope.ts";
import type { RunJournal, ScenarioResult } from "../../sdk/core/journal.ts";
import { type ChildRun, demoPorts, portOpen, runAllChild, shifted, verdicts } from "./run-all-child.ts";

/** Why the resource scenarios cannot run here (no root or cgroups, no stressor), or false. */
export const resourceSkip = scopeMissing("process") ?? stressorMissing() ?? false;

/**
 * Verdicts, with RE-003 counted as passed when its one failed check is its evidence that the CPU fault slowed the
 * hive (p50 up by 10 ms): that bite is not always seen against a slow or noisy baseline (186 → 187 ms once, in
 * containers), and it is not what these tests are about. Every other check of RE-003 must hold.
 */
export function servedVerdicts(j: RunJournal): { verdicts: Record<string, string>; code: number } {
  const out = verdicts(j);
  // The run's exit code follows the verdicts as judged, before RE-003 is counted as served.
  const code = Object.values(out).every((v) => v === "passed") ? 0 : 1;
  const re3 = j.scenarios.find((s) => s.id === "RE-003");
  const failed = re3?.checks.filter((c) => !c.ok) ?? [];
  if (re3?.verdict === "failed" && failed.length > 0 && failed.every((c) => /^p50 increase/.test(c.name)))
    out["RE-003"] = "passed";
  return { verdicts: out, code };
}

/** RE-001 failed on the hive's crash (the `crash-on-enospc` switch), and the runner started the hive again. */
export function assertHiveCrashRestarted(re1: ScenarioResult): void {
  assert.ok(
    re1.checks.some((c) => !c.ok && c.name === "hive does not crash"),
    JSON.stringify(re1.checks),
  );
  assert.deepEqual(
    re1.restorations?.map((r) => [r.service, r.ok]),
    [["hive", true]],
    JSON.stringify(re1.restorations),
  );
}

/**
 * stress-combined failed on the queen's own counters (the `unbounded-queue` switch), not on time: a fast machine
 * answers the whole burst within the bound.
 */
export function assertQueueNotShed(run: ChildRun, j: RunJournal): void {
  assert.equal(verdicts(j)["stress-combined"], "failed", run.stdout);
  const check = j.scenarios[0].checks.find((c) => /sheds instead of queueing/.test(c.name));
  assert.equal(check?.ok, false, JSON.stringify(check));
}

/**
 * Stressors running now; with `ledger`, only those a run with that ledger started (they inherit its
 * HIVESTORM_LEDGER), so that another run's stress on a shared machine is not counted as this one's.
 */
function stressorPids(ledger?: string): number[] {
  return readdirSync("/proc")
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        if (!/^(stress-ng|hivestorm-hog)/.test(readFileSync(`/proc/${n}/comm`, "utf8"))) return false;
        return (
          !ledger ||
          readFileSync(`/proc/${n}/environ`, "utf8").split("\0").includes(`HIVESTORM_LEDGER=${ledger}`)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** run-all --quick on the demo at `offset`, and the checks that it left nothing there. */
export function resourceRuns(offset: number) {
  const ports = demoPorts(offset);
  const cacheDir = join(tmpdir(), `hivestorm-rbee-cache-${9201 + shifted(offset)}`);
  return {
    runAll(args: string[], onStdout?: (text: string, child: ChildProcess) => void): Promise<ChildRun> {
      return runAllChild(["--quick", ...args], { offset, timeoutMs: 240_000, onStdout });
    },

    /** No stressor of this run, none of the cgroups its notes name, no mount over the cache, no ledger, no ports. */
    async assertNothingLeft(run: ChildRun, j?: RunJournal): Promise<void> {
      assert.deepEqual(stressorPids(run.ledger), [], "no stress-ng left running");
      const notes = (j?.scenarios ?? []).flatMap((s) => s.notes).join("\n");
      for (const dir of notes.match(/\/sys\/fs\/cgroup\/[\w/.-]+hivestorm\/[\w.-]+/g) ?? [])
        assert.equal(existsSync(dir), false, `cgroup ${dir} removed`);
      const mounts = readFileSync("/proc/self/mountinfo", "utf8");
      assert.ok(!mounts.includes(` ${cacheDir} `), `no mount left over ${cacheDir}`);
      assert.equal(existsSync(run.ledger), false, "the ledger was emptied");
      for (const p of ports) assert.equal(await portOpen(p), false, `port ${p} closed after the run`);
    },
  };
}
