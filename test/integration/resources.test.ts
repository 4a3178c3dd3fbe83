// RE-001..005 and the stress suite end to end, as a user runs them: run-all in a child process against the
// demo on its own ports. They pass on the demo, and whatever happens (a verdict, SIGINT, SIGTERM) nothing is left
// behind. The demo bugs they exist to catch are in resources-bugs.test.ts, the same in containers in test/e2e.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resourceRuns, servedVerdicts, resourceSkip as skip } from "./resource-runs.ts";
import { journalOf } from "./run-all-child.ts";

// Ports of their own (8080 + 3500 ...): other suites run the demo on other offsets at the same time.
const { runAll, assertNothingLeft } = resourceRuns(3500);

describe("resource scenarios end to end", { skip }, () => {
  it("RE-001..005 pass against the demo and leave nothing behind", async () => {
    const run = await runAll(["--suite", "chaos", "--only", "RE-001,RE-002,RE-003,RE-004,RE-005"]);
    const j = journalOf(run);
    const served = servedVerdicts(j);
    assert.deepEqual(
      served.verdicts,
      {
        "RE-001": "passed",
        "RE-002": "passed",
        "RE-003": "passed",
        "RE-004": "passed",
        "RE-005": "passed",
      },
      run.stdout,
    );
    assert.equal(run.code, served.code);
    for (const s of j.scenarios) assert.ok(s.recovery?.recovered, `${s.id} measured its recovery`);
    assert.ok(j.scenarios.find((s) => s.id === "RE-005")?.notes.some((n) => /simulated VRAM/.test(n)));
    assert.ok(
      j.scenarios
        .find((s) => s.id === "RE-002")
        ?.notes.some((n) => /(stress-ng --vm|hivestorm-hog .*--vm-bytes)/.test(n)),
    );
    await assertNothingLeft(run, j);
  });

  for (const [signal, id, when] of [
    ["SIGTERM", "stress-combined", /applied memory/],
    ["SIGINT", "RE-001", /applied disk/],
  ] as const) {
    it(`${signal} in the middle of ${id} reverts everything`, async () => {
      let sent = false;
      const suite = id.startsWith("RE") ? "chaos" : "stress";
      const run = await runAll(["--suite", suite, "--only", id], (out, child) => {
        if (!sent && when.test(out)) {
          sent = true;
          child.kill(signal);
        }
      });
      assert.ok(sent, run.stdout);
      // 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
      assert.equal(run.code, signal === "SIGINT" ? 130 : 143, run.stdout + run.stderr);
      const j = journalOf(run);
      assert.equal(j.status, "interrupted");
      await assertNothingLeft(run, j);
    });
  }
});
