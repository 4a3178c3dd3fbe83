import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sleep } from "../../../sdk/core/sleep.ts";
import { revertFaults } from "../../../sdk/runner/phases/revert.ts";
import { base, fakeFault, newRun } from "../fakes.ts";

const def = { ...base, steps: async () => {} };

describe("revertFaults", () => {
  it("reverts every applied fault, newest first, and the window is first apply → last revert", async () => {
    const events: string[] = [];
    const run = newRun(def);
    const a = await run.ctx.apply(fakeFault("a", events));
    await sleep(30);
    const b = await run.ctx.apply(fakeFault("b", events, { onRevert: () => sleep(40) }));
    await sleep(30);
    await a.revert(); // reverted early by the steps: the window still runs to the last revert
    const stepsSpan = { start: 1, end: 2 };
    const w = await revertFaults(run, stepsSpan);
    assert.deepEqual(events, ["apply a", "apply b", "revert a", "revert b"]);
    assert.equal(w.start, a.appliedAt);
    assert.equal(w.end, b.revertedAt);
    assert.ok(b.revertedAt! > a.revertedAt!, "the last revert ends the window");
    assert.ok(w.end - w.start >= 95, `window ${w.end - w.start} ms spans the faults`);
    run.dispose();
  });

  it("when nothing was applied the window is the steps' own span", async () => {
    const run = newRun(def);
    const span = { start: 1000, end: 5000 };
    assert.deepEqual(await revertFaults(run, span), span);
    run.dispose();
  });

  it("a revert that fails is logged, the others still reverted, and the window ends no earlier than now", async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const run = newRun(def, { logs });
    await run.ctx.apply(
      fakeFault("stuck", events, {
        onRevert: () => {
          throw new Error("proxy gone");
        },
      }),
    );
    await run.ctx.apply(fakeFault("fine", events));
    const before = Date.now();
    const w = await revertFaults(run, { start: 0, end: 0 });
    assert.deepEqual(events, ["apply stuck", "apply fine", "revert fine"]);
    assert.ok(
      logs.some((l) => /revert failed: Error: proxy gone/.test(l)),
      logs.join("\n"),
    );
    assert.ok(w.end >= before);
    run.dispose();
  });
});
