// SIGINT or SIGTERM at random moments of the ad-hoc example (examples/adhoc/latency.ts), seeded (the seed is
// printed, HIVESTORM_SEED replays it, HIVESTORM_TRIALS runs more): each must leave no port open, no process of
// the example alive and no fault in the ledger.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertNothingLeft, prng, runExample, SCRIPT } from "../examples/adhoc-run.ts";

const TRIALS = Number(process.env.HIVESTORM_TRIALS ?? 4);
const SEED = Number(process.env.HIVESTORM_SEED ?? Date.now() % 2 ** 31);

describe(SCRIPT, { skip: process.platform !== "linux" && "reads /proc" }, () => {
  let fullRunMs = 15_000;
  let firstLogMs = 5_000;

  test("a run to the end sets the range of the random moments", async () => {
    const run = await runExample();
    assert.equal(run.code, 0, `exit code\n${run.stdout}\n${run.stderr}`);
    await assertNothingLeft(run, "a run to the end");
    fullRunMs = run.ms;
    firstLogMs = run.firstLogMs ?? firstLogMs;
  });

  test(`SIGINT or SIGTERM at a random moment leaves nothing behind (${TRIALS} trials, seed ${SEED})`, async (t) => {
    const random = prng(SEED);
    t.diagnostic(
      `seed ${SEED} (HIVESTORM_SEED=${SEED} replays it); a full run took ${fullRunMs} ms, its first log line came at ${firstLogMs} ms`,
    );
    for (let i = 0; i < TRIALS; i++) {
      const signal: NodeJS.Signals = i % 2 === 0 ? "SIGINT" : "SIGTERM";
      const twice = i % 4 === 2;
      // From a while before the testbed's first log line (its signal handlers are in place by then; before them
      // nothing has started) to a little past the end of a full run.
      const from = firstLogMs * 0.7;
      const afterMs = Math.round(from + random() * (fullRunMs * 1.1 - from));
      const run = await runExample({ signal, afterMs, twice });
      const what = `${twice ? "two " : ""}${signal} after ${afterMs} ms (trial ${i}, seed ${SEED})`;
      const finished = run.code === 0;
      const interrupted =
        run.code === (signal === "SIGINT" ? 130 : 143) ||
        // Before the SDK had installed its handlers (nothing started yet) the signal's default action applies.
        run.signal === signal;
      assert.ok(
        finished || interrupted,
        `exit code ${run.code} (signal ${run.signal}) after ${what}\n${run.stderr}`,
      );
      t.diagnostic(
        `${what}: ${finished ? "had finished" : `exit ${run.code ?? run.signal}`}${run.ledgerSeen ? ", fault was applied" : ""}`,
      );
      await assertNothingLeft(run, what);
    }
  });
});
