// ProcessFault: validation, description, selection, and applying it to real child processes through a
// context whose resolver hands out candidates (the runner's resolver is tested in system-candidates.test.ts).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createChaosContext } from "../../../sdk/chaos/context.ts";
import { applyFault } from "../../../sdk/chaos/fault.ts";
import type { Candidate } from "../../../sdk/chaos/process/candidates.ts";
import {
  choose,
  type ProcessFault,
  type ProcessFaultOutcome,
  processChaos,
} from "../../../sdk/chaos/process/index.ts";
import { FaultError, TimeoutError, ValidationError } from "../../../sdk/core/errors.ts";
import { CleanupLedger } from "../../../sdk/core/ledger.ts";
import { cgroupSupport } from "../../../sdk/system/cgroup/cgroup-support.ts";
import type { Target } from "../../../sdk/system/targets/target.ts";
import { candidate, killAll, sleeperReady } from "./helpers.ts";

after(killAll);

/** Polls `check` for up to 5 s: signals and exits take their time on a loaded machine. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && !(await check())) await new Promise((r) => setTimeout(r, 25));
}

function ctxWith(resolve: (selector: string) => Promise<Candidate[]>) {
  const ledger = new CleanupLedger();
  return { ctx: createChaosContext({ ledger, targets: resolve }), ledger };
}

async function applyObserved(spec: ProcessFault, resolve: (s: string) => Promise<Candidate[]>) {
  let outcome: ProcessFaultOutcome | undefined;
  const { ctx, ledger } = ctxWith(resolve);
  const handle = await applyFault(
    spec.observe((o) => {
      outcome = o;
    }),
    ctx,
  );
  return { handle, outcome: outcome!, ledger };
}

const fake = (id: string, state: string, inflight = 0): Candidate => ({
  id,
  service: "hive",
  state,
  inflight,
  target: {} as Target,
});

describe("chaos.process specs", () => {
  it("describe and toJSON say what, how many, where and when", () => {
    const k = processChaos.kill("worker", { signal: "SIGKILL" }).count(1).when("inference");
    assert.equal(k.kind, "process-kill");
    assert.equal(k.describe(), "SIGKILL to 1 of worker during inference (requests in flight)");
    assert.deepEqual(k.toJSON(), {
      kind: "process-kill",
      selector: "worker",
      action: { type: "kill", signal: "SIGKILL" },
      count: 1,
      when: { on: "inference" },
    });
    assert.equal(
      processChaos.stop("worker", { grace: "5s" }).percent(50).describe(),
      "graceful stop (SIGTERM, 5s grace, then SIGKILL) of 50% of worker",
    );
    assert.equal(processChaos.kill("worker").oom().kind, "process-oom");
    assert.equal(processChaos.pause("queen", "10s").target(), "queen");
  });

  it("builders are immutable", () => {
    const base = processChaos.kill("worker");
    const two = base.count(2);
    assert.equal(base.describe(), "SIGKILL to 1 of worker");
    assert.equal(two.describe(), "SIGKILL to 2 of worker");
  });

  it("validate lists every problem at once, and applying refuses an invalid spec", async () => {
    const bad = processChaos
      .kill("", { signal: "SIGNOPE" as NodeJS.Signals })
      .count(0)
      .when("lunch" as "inference", { timeout: "soon" });
    const paths = bad.validate().map((p) => p.path);
    assert.deepEqual(paths.sort(), ["count", "selector", "signal", "when", "when.timeout"]);
    assert.deepEqual(
      processChaos
        .stop("w", { grace: "forever" })
        .validate()
        .map((p) => p.path),
      ["grace"],
    );
    assert.deepEqual(
      processChaos
        .oom("w", { headroomBytes: -1 })
        .percent(120)
        .validate()
        .map((p) => p.path)
        .sort(),
      ["headroomBytes", "percent"],
    );
    await assert.rejects(
      applyFault(
        processChaos.stop("w", { grace: "forever" }),
        createChaosContext({ ledger: new CleanupLedger() }),
      ),
      (e: unknown) => e instanceof ValidationError && /grace: .*found "forever"/.test(e.message),
    );
    let resolved = 0;
    const { ctx } = ctxWith(async () => {
      resolved++;
      return [];
    });
    await assert.rejects(applyFault(bad, ctx), ValidationError);
    assert.equal(resolved, 0, "nothing was resolved for an invalid spec");
  });

  it("choose: count, percent (of the running ones), trigger-eligible first, starting ones only for registration", () => {
    const pool = [
      fake("a", "ready"),
      fake("b", "ready", 2),
      fake("c", "ready", 1),
      fake("d", "ready"),
      fake("s", "starting"),
    ];
    const r = () => 0.5;
    assert.equal(choose(pool, { count: 3 }, r).length, 3);
    assert.ok(
      choose(pool, { count: 9 }, r).every((c) => c.state !== "starting"),
      "no unlisted child unless asked",
    );
    assert.equal(choose(pool, { percent: 50 }, r).length, 2);
    assert.equal(choose(pool, { percent: 1 }, r).length, 1, "at least one");
    assert.deepEqual(
      choose(pool, { count: 2, trigger: { on: "inference" } }, r).map((c) => c.id),
      ["b", "c"],
    );
    const reg = [fake("a", "ready"), fake("l", "loading"), fake("s", "starting")];
    assert.deepEqual(
      choose(reg, { count: 2, trigger: { on: "registration" } }, r)
        .map((c) => c.id)
        .sort(),
      ["l", "s"],
    );
    assert.deepEqual(
      choose(reg, { count: 2, trigger: { on: "registration", listed: true } }, r).map((c) => c.id),
      ["l"],
    );
  });

  it("kill .count(2) of three real processes kills exactly two, and says which", async () => {
    const pool = [await candidate("k1"), await candidate("k2"), await candidate("k3")];
    const { handle, outcome, ledger } = await applyObserved(
      processChaos.kill("worker").count(2),
      async () => pool,
    );
    assert.equal(outcome.hits.length, 2);
    assert.equal(outcome.resolved.length, 3);
    assert.equal(outcome.population, 3);
    const hit = new Set(outcome.hits.map((h) => h.id));
    await until(async () => {
      for (const c of pool) if (hit.has(c.id) && (await c.target.isRunning())) return false;
      return true;
    });
    const alive = await Promise.all(pool.map((c) => c.target.isRunning()));
    assert.equal(alive.filter(Boolean).length, 1);
    for (const h of outcome.hits)
      assert.equal(alive[pool.findIndex((c) => c.id === h.id)], false, `${h.id} dead`);
    assert.equal(ledger.size, 1, "the fault is in the ledger until reverted");
    await handle.revert();
    assert.equal(ledger.size, 0);
  });

  it("pause stops a process until reverted (and in the ledger meanwhile)", async () => {
    const c = await candidate("p1");
    const { handle } = await applyObserved(processChaos.pause("worker"), async () => [c]);
    assert.equal(await c.target.status(), "paused");
    await handle.revert();
    assert.equal(await c.target.status(), "running");
  });

  it("pause with a duration resumes by itself", async () => {
    const c = await candidate("p2");
    const started = Date.now();
    const { handle } = await applyObserved(processChaos.pause("worker", 300), async () => [c]);
    assert.equal(await c.target.status(), "paused");
    await until(async () => (await c.target.status()) === "running");
    assert.equal(await c.target.status(), "running");
    assert.ok(Date.now() - started >= 290, "not resumed before its duration");
    await handle.revert();
  });

  it("stop: a process that exits on SIGTERM is not forced; one that ignores it is killed at its grace", async () => {
    const polite = await candidate("s1");
    const a = await applyObserved(processChaos.stop("worker", { grace: 2000 }), async () => [polite]);
    await a.outcome.done;
    assert.equal(a.outcome.hits[0].stop?.forced, false);
    assert.ok(a.outcome.hits[0].stop!.exitedAfterMs < 1500);
    const stuck = await candidate("s2", {}, ["--ignore-sigterm"]);
    await sleeperReady(stuck.pid!);
    const started = Date.now();
    const b = await applyObserved(processChaos.stop("worker", { grace: 2000 }), async () => [stuck]);
    assert.ok(Date.now() - started < 1500, "apply returns at the first signal, not after the grace");
    await b.outcome.done;
    const s = b.outcome.hits[0].stop!;
    assert.equal(s.forced, true, JSON.stringify(s));
    assert.ok(
      s.exitedAfterMs >= 1950 && s.exitedAfterMs < 6000,
      `killed after its grace: ${s.exitedAfterMs}`,
    );
    assert.equal(await stuck.target.isRunning(), false);
    await a.handle.revert();
    await b.handle.revert();
  });

  it("a selection with no target is refused with what was found", async () => {
    await assert.rejects(
      applyObserved(processChaos.kill("worker"), async () => []),
      (e: unknown) =>
        e instanceof FaultError &&
        /resolves to no target/.test(e.message) &&
        /no instances now/.test(e.message),
    );
    const { ctx } = ctxWith(async () => []);
    delete ctx.targets;
    await assert.rejects(applyFault(processChaos.kill("worker"), ctx), /no target resolver/);
  });

  it('.when("inference") waits until a candidate has requests in flight, then hits that one', async () => {
    const quiet = await candidate("i1");
    const busy = await candidate("i2");
    const started = Date.now();
    const { handle, outcome } = await applyObserved(
      processChaos.kill("worker").when("inference"),
      async () => [quiet, { ...busy, inflight: Date.now() - started > 400 ? 3 : 0 }],
    );
    assert.equal(outcome.hits[0].id, "i2");
    assert.equal(outcome.hits[0].inflight, 3);
    assert.ok(outcome.trigger!.waitedMs >= 350, `waited ${outcome.trigger!.waitedMs} ms`);
    assert.equal(await quiet.target.isRunning(), true);
    await handle.revert();
  });

  it("a trigger that never comes is a TimeoutError, and nothing is hit", async () => {
    const c = await candidate("t1");
    await assert.rejects(
      applyObserved(processChaos.kill("worker").when("registration", { timeout: 300 }), async () => [c]),
      (e: unknown) =>
        e instanceof TimeoutError && /during registration/.test(e.message) && /t1 ready/.test(e.message),
    );
    assert.equal(await c.target.isRunning(), true);
  });

  it(".oom() produces a real OOM kill through the target and reports how", async (t) => {
    const support = cgroupSupport();
    if (!support.ok) return t.skip(`needs a memory cgroup: ${support.missing}`);
    const c = await candidate("o1");
    await sleeperReady(c.pid!);
    let provoked: string | undefined;
    const spec = processChaos.oom("worker", { headroomBytes: 16 * 2 ** 20, timeout: "10s" }).provoke((x) => {
      provoked = x.id;
      process.kill(x.pid!, "SIGUSR2");
    });
    const { handle, outcome } = await applyObserved(spec, async () => [c]);
    await outcome.done;
    const hit = outcome.hits[0];
    assert.equal(provoked, "o1");
    assert.equal(hit.error, undefined);
    assert.equal(hit.oom?.oomKilled, true);
    assert.match(hit.oom!.how, /OOM killer/);
    assert.equal(await c.target.isRunning(), false);
    await handle.revert();
  });
});
