import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sleep } from "../../sdk/core/sleep.ts";
import { expect } from "../../sdk/runner/expect.ts";
import { observation, observed } from "../../sdk/runner/observation.ts";
import { runScenario } from "../../sdk/runner/run-scenario.ts";
import type { FaultScenario, ScenarioDefinition, StepsScenario } from "../../sdk/runner/scenario.ts";
import type { ServiceStatus } from "../../sdk/testbed/services.ts";
import { base, fakeBed, fakeFault, systemAt, tinyService } from "./fakes.ts";

// A real service and a fault that really breaks it: while applied, every request answers 503.
let broken = false;
/** Epoch ms until which the service still fails after a revert: it takes a while to recover. */
let recoveringUntil = 0;
let svc: Awaited<ReturnType<typeof tinyService>>;
before(async () => {
  svc = await tinyService({ status: () => (broken || Date.now() < recoveringUntil ? 503 : 200) });
});
after(() => svc.close());

function breaks(events: string[] = []) {
  return fakeFault("app", events, {
    onApply: () => {
      broken = true;
    },
    onRevert: () => {
      broken = false;
    },
  });
}

const windowed = {
  ...base,
  trafficRate: 40,
  baseline: "2s",
  recovery: { deadline: "3s", window: "500ms" },
  expect: [
    expect.successRate("before", 0.99),
    expect.successRateAtMost("during", 0.2, "the fault bites"),
    expect.successRate("after", 0.99),
    expect.recovered(),
  ],
};

async function run(
  def: ScenarioDefinition,
  o: { signal?: AbortSignal; health?: () => Promise<ServiceStatus[]> } = {},
) {
  broken = false;
  recoveringUntil = 0;
  const logs: string[] = [];
  const bed = fakeBed({
    system: systemAt(svc.url),
    health: o.health ?? (async () => [{ service: "app", ok: true }]),
    extra: { services: { app: { name: "app", url: svc.url, clientUrl: svc.url } } },
  });
  const result = await runScenario(def, {
    ...{ bed, file: "f.ts", signal: o.signal ?? new AbortController().signal },
    log: (m) => logs.push(m),
  });
  assert.equal(bed.chaos.ledger.size, 0, "nothing left applied");
  assert.equal(bed.chaos.events.listenerCount("applied"), 0, "the run stopped listening");
  assert.equal(broken, false);
  return { result, logs };
}

describe("runScenario", () => {
  it("a fault scenario: every phase, the fault held and reverted, windows and recovery from its own times", async () => {
    const events: string[] = [];
    const def: FaultScenario = {
      ...windowed,
      duration: "1s",
      minDuration: "1s",
      fault: breaks(events),
      beside: async (ctx) => ctx.record("beside", "ran"),
    };
    const { result: r } = await run(def);
    assert.equal(r.verdict, "passed", `${r.reason}\n${JSON.stringify(r.checks, null, 1)}`);
    assert.deepEqual(events, ["apply app", "revert app"]);
    assert.deepEqual(
      r.phases.map((p) => p.name),
      ["steady-state", "baseline", "fault", "recovery"],
    );
    const f = r.faults[0];
    assert.equal(r.windows.during?.start, f.appliedAt);
    assert.equal(r.windows.during?.end, f.revertedAt);
    assert.ok((f.revertedAt ?? 0) - f.appliedAt >= 990, "held for its duration");
    assert.equal(r.windows.before?.end, f.appliedAt);
    assert.equal(r.recovery?.recovered, true);
    assert.ok((r.recovery?.timeToRecoverMs ?? 1e9) < 500, `recovered in ${r.recovery?.timeToRecoverMs} ms`);
    assert.equal(r.windows.after?.start, (f.revertedAt ?? 0) + (r.recovery?.timeToRecoverMs ?? 0));
    assert.deepEqual(r.observations, { beside: "ran" });
    assert.ok((r.samples?.t.length ?? 0) > 80, "the background traffic's samples are kept");
    assert.ok(r.timeline.length >= 3);
    assert.equal(r.checks.length, 4);
  });

  it("steps whose span outlasts the fault: during is apply → revert, recovery timed from the revert", async () => {
    const stepsDone = observation<number>("stepsDone");
    // The service takes 700 ms to recover after the revert, and the steps go on 1.5 s after it.
    const slowToRecover = fakeFault("app", [], {
      onApply: () => {
        broken = true;
      },
      onRevert: () => {
        broken = false;
        recoveringUntil = Date.now() + 700;
      },
    });
    const def: StepsScenario = {
      ...windowed,
      steps: async (ctx) => {
        await sleep(200);
        const h = await ctx.apply(slowToRecover);
        await sleep(500);
        await h.revert();
        await sleep(1500);
        ctx.record(stepsDone, Date.now());
      },
    };
    const { result: r } = await run(def);
    assert.equal(r.verdict, "passed", r.reason);
    const f = r.faults[0];
    const faultPhase = r.phases.find((p) => p.name === "fault");
    assert.ok(faultPhase && faultPhase.end - faultPhase.start >= 2100, "the steps' span");
    assert.equal(r.windows.during?.start, f.appliedAt);
    assert.equal(r.windows.during?.end, f.revertedAt, "not the end of the steps");
    const duringMs = (r.windows.during?.end ?? 0) - (r.windows.during?.start ?? 0);
    assert.ok(duringMs >= 490 && duringMs < 1500, `during lasted ${duringMs} ms`);
    // Timed from the revert: about 700 ms. Timed from the end of the steps it would read about 0.
    const ttr = r.recovery?.timeToRecoverMs ?? -1;
    assert.ok(ttr >= 600 && ttr < 1400, `recovered in ${ttr} ms`);
    assert.equal(r.windows.after?.start, (f.revertedAt ?? 0) + ttr);
    assert.equal(typeof observed({ data: r.observations ?? {} }, stepsDone), "number");
  });

  it("a requirement not met: skipped with how to enable it, and nothing probed", async () => {
    let probed = false;
    const { result: r } = await run(
      {
        ...windowed,
        fault: breaks(),
        requires: [{ check: async () => "no cgroup v2", enable: "run as root" }],
      },
      {
        health: async () => {
          probed = true;
          return [];
        },
      },
    );
    assert.equal(r.verdict, "skipped");
    assert.equal(r.reason, "no cgroup v2");
    assert.equal(r.enable, "run as root");
    assert.equal(probed, false);
  });

  it("a step that throws: error with its message on one line, the stack in the notes, and its fault reverted", async () => {
    const events: string[] = [];
    const { result: r } = await run({
      ...windowed,
      steps: async (ctx) => {
        await ctx.apply(breaks(events));
        throw new Error("no worker to kill\nsecond line");
      },
    });
    assert.equal(r.verdict, "error");
    // One line, all of it: a validation error's problems follow its first line.
    assert.equal(r.reason, "no worker to kill second line");
    assert.match(r.notes.at(-1) ?? "", /second line[\s\S]*at /);
    assert.deepEqual(events, ["apply app", "revert app"]);
  });

  it("interrupted in the fault window: interrupted (never failed), the fault reverted at once", async () => {
    const ac = new AbortController();
    const events: string[] = [];
    const fault = fakeFault("app", events, {
      onApply: () => {
        broken = true;
        setTimeout(() => ac.abort(new Error("SIGINT received")), 200);
      },
      onRevert: () => {
        broken = false;
      },
    });
    const def: FaultScenario = { ...windowed, duration: "60s", fault };
    const t0 = Date.now();
    const { result: r } = await run(def, { signal: ac.signal });
    assert.equal(r.verdict, "interrupted");
    assert.equal(r.reason, "SIGINT received");
    assert.deepEqual(events, ["apply app", "revert app"]);
    assert.ok(Date.now() - t0 < 10_000, "the 60 s window ended with the abort");
  });

  it("a baseline that is not healthy is an error, before any fault", async () => {
    const events: string[] = [];
    const def: FaultScenario = {
      ...windowed,
      fault: breaks(events),
      before: async () => {
        events.push("before");
      },
    };
    broken = false;
    const bed = fakeBed({ system: systemAt(svc.url), health: async () => [{ service: "app", ok: true }] });
    // Breaks the service once the steady state is found, as the baseline starts.
    const r = await runScenario(def, {
      ...{ bed, file: "f.ts", signal: new AbortController().signal, log: () => {} },
      onPhase: (p) => {
        if (p === "baseline") broken = true;
      },
    });
    broken = false;
    assert.equal(r.verdict, "error");
    assert.match(
      r.reason,
      /^system not in steady state before the fault: baseline success 0\/\d+ \(needs 99%\)$/,
    );
    assert.deepEqual(events, [], "no fault applied");
    assert.ok(r.samples?.t.length, "the baseline's samples are kept as evidence");
  });

  it("a load scenario: no background traffic or fault window, judged on its load result", async () => {
    const plan = {
      usesDefaultRequest: false,
      describe: () => "fake",
      run: async () => ({ requests: 100, errors: 2 }),
    };
    const def = {
      ...base,
      load: { plan: plan as never },
      expect: [
        (o: { data: Record<string, unknown> }) => {
          const l = o.data.load as { errors: number };
          return { name: "errors", expected: "< 1", observed: String(l.errors), ok: l.errors < 1 };
        },
      ],
    } as ScenarioDefinition;
    const { result: r } = await run(def);
    assert.deepEqual(
      r.phases.map((p) => p.name),
      ["steady-state", "load"],
    );
    assert.equal(r.verdict, "failed", r.reason);
    assert.equal(r.reason, "errors: expected < 1, observed 2");
    assert.deepEqual(r.load, { requests: 100, errors: 2 });
    assert.equal(svc.hits() > 0, true);
  });
});
