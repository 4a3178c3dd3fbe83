import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyFault } from "../../sdk/chaos/fault.ts";
import { makeScope, within } from "../../sdk/core/run-scope.ts";
import { sleep } from "../../sdk/core/sleep.ts";
import { observation } from "../../sdk/runner/observation.ts";
import { ScenarioRun } from "../../sdk/runner/scenario-run.ts";
import { base, fakeBed, fakeFault, newRun } from "./fakes.ts";

const def = { ...base, steps: async () => {}, duration: "10s", minDuration: "1s" };

describe("ScenarioRun", () => {
  it("records each fault by its handle's id, with apply and revert times from the scenario's start", async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const run = newRun(def, { logs });
    await sleep(20);
    const h = await run.ctx.apply(fakeFault("a", events));
    await sleep(20);
    await h.revert();
    assert.equal(run.faults.length, 1);
    const f = run.faults[0];
    assert.equal(f.id, h.id);
    assert.equal(f.kind, "fake");
    assert.equal(f.description, "fake a");
    assert.equal(f.target, "a");
    assert.deepEqual(f.spec, { kind: "fake", name: "a" });
    assert.equal(f.appliedAt, h.appliedAt - run.startedAt);
    assert.equal(f.revertedAt, (h.revertedAt ?? 0) - run.startedAt);
    assert.ok(f.appliedAt >= 15);
    assert.deepEqual(logs, ["T-001: applied fake a", "T-001: reverted fake a"]);
    run.dispose();
  });

  it("a fault applied on the testbed's chaos context by other code is recorded too; none after dispose", async () => {
    const bed = fakeBed();
    const run = newRun(def, { bed });
    const h = await applyFault(fakeFault("direct", []), bed.chaos);
    assert.deepEqual(
      run.faults.map((f) => f.id),
      [h.id],
    );
    run.dispose();
    await applyFault(fakeFault("later", []), bed.chaos);
    assert.equal(run.faults.length, 1, "a disposed run no longer listens");
    assert.equal(bed.chaos.events.listenerCount("applied"), 0);
    assert.equal(bed.chaos.events.listenerCount("reverted"), 0);
  });

  it("revertAll reverts newest first and goes on past a failed revert", async () => {
    const events: string[] = [];
    const logs: string[] = [];
    const run = newRun(def, { logs });
    await run.ctx.apply(fakeFault("a", events));
    await run.ctx.apply(
      fakeFault("b", events, {
        onRevert: () => {
          throw new Error("gone");
        },
      }),
    );
    await run.ctx.apply(fakeFault("c", events));
    await run.revertAll();
    assert.deepEqual(events, ["apply a", "apply b", "apply c", "revert c", "revert a"]);
    assert.ok(logs.includes("T-001: revert failed: Error: gone"));
    await run.revertAll();
    assert.deepEqual(events.slice(5), [], "already reverted faults are not reverted twice");
    run.dispose();
  });

  it("phases are recorded from one to the next, each reported as it starts", async () => {
    const started: string[] = [];
    const run = new ScenarioRun(def, {
      ...{ bed: fakeBed(), file: "f.ts", signal: new AbortController().signal, log: () => {} },
      onPhase: (p) => started.push(p),
    });
    run.phase("baseline");
    await sleep(30);
    run.phase("fault");
    await sleep(10);
    const r = run.finish("passed", "fine");
    assert.deepEqual(started, ["baseline", "fault"]);
    assert.deepEqual(
      r.phases.map((p) => p.name),
      ["baseline", "fault"],
    );
    assert.equal(r.phases[0].end, r.phases[1].start);
    assert.ok(r.phases[0].end - r.phases[0].start >= 25);
    run.dispose();
  });

  it("finish: the verdict with everything recorded; observations as JSON, the load result apart", () => {
    const retries = observation<number>("retries");
    const run = newRun(def);
    run.ctx.record(retries, 3);
    run.ctx.record("error", new Error("worker crashed"));
    run.ctx.record("fn", () => 1);
    run.ctx.setLoad({ requests: 5 });
    run.ctx.note("OOM by a cgroup limit");
    assert.equal(run.ctx.recorded(retries), 3);
    const r = run.finish("failed", "2 of 3 checks failed", { enable: "x" });
    assert.equal(r.verdict, "failed");
    assert.equal(r.reason, "2 of 3 checks failed");
    assert.equal(r.enable, "x");
    assert.equal(r.id, "T-001");
    assert.equal(r.file, "scenarios/fake.ts");
    assert.deepEqual(r.observations, { retries: 3, error: "worker crashed" });
    assert.deepEqual(r.load, { requests: 5 });
    assert.deepEqual(r.notes, ["OOM by a cgroup limit"]);
    assert.ok(r.endedAt >= r.startedAt);
    assert.equal(newRun(def).finish("passed", "").load, undefined, "no load, no field");
  });

  it("ctx.sleep is time-scaled by the run's scope, ctx.hold lasts the fault window, both end on abort", async () => {
    const ac = new AbortController();
    const run = newRun({ ...def, duration: "400ms", minDuration: "10ms" }, { signal: ac.signal });
    await within(makeScope({ timeScale: 0.1 }), async () => {
      let t0 = Date.now();
      await run.ctx.sleep("1s");
      const slept = Date.now() - t0;
      assert.ok(slept >= 90 && slept < 900, `1 s at scale 0.1 slept ${slept} ms`);
      t0 = Date.now();
      await run.ctx.hold();
      const held = Date.now() - t0;
      assert.ok(held >= 30 && held < 380, `a 400 ms window at scale 0.1 held ${held} ms`);
    });
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await run.ctx.sleep("1m");
    assert.ok(Date.now() - t0 < 2000);
    run.dispose();
  });

  it("ctx.system shows the testbed's system, services and target", async () => {
    const bed = fakeBed({
      extra: {
        services: { app: { name: "app", url: "u", clientUrl: "c" } },
        instances: async (s: string) => [{ id: `${s}-1` }],
      },
    });
    const run = newRun(def, { bed });
    assert.equal(run.ctx.system.definition, bed.system);
    assert.equal(run.ctx.system.services.app.clientUrl, "c");
    assert.equal(run.ctx.system.target, "process");
    assert.deepEqual(await run.ctx.system.instances("hive"), [{ id: "hive-1" }]);
    assert.equal(run.ctx.chaos, bed.chaos);
    run.dispose();
  });
});
