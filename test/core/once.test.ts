import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { once } from "../../sdk/core/once.ts";

describe("once", () => {
  it("runs the action once; concurrent and later calls share that run", async () => {
    let runs = 0;
    let release!: () => void;
    const undo = once(async () => {
      runs++;
      await new Promise<void>((r) => {
        release = r;
      });
    });
    const a = undo();
    const b = undo();
    assert.equal(a, b, "a concurrent call gets the running promise");
    await new Promise((r) => setImmediate(r));
    assert.equal(runs, 1);
    release();
    await Promise.all([a, b]);
    await undo();
    await undo();
    assert.equal(runs, 1, "later calls do not run it again");
  });

  it("a failed run rejects every caller that shared it, and the next call runs it again", async () => {
    let runs = 0;
    const undo = once(async () => {
      runs++;
      if (runs === 1) throw new Error("toxiproxy unreachable");
    });
    const [a, b] = [undo(), undo()];
    await assert.rejects(a, /toxiproxy unreachable/);
    await assert.rejects(b, /toxiproxy unreachable/);
    assert.equal(runs, 1);
    await undo();
    assert.equal(runs, 2, "retried after the failure");
    await undo();
    assert.equal(runs, 2, "and done once it succeeded");
  });
});
