import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ScenarioResult } from "../../sdk/core/journal.ts";
import type { DiscoveredScenario } from "../../sdk/runner/discover.ts";
import type { Progress } from "../../sdk/runner/progress.ts";
import type { RunJournalWriter } from "../../sdk/runner/run-journal.ts";
import { runSelected } from "../../sdk/runner/run-selected.ts";
import type { Restoration } from "../../sdk/testbed/testbed.ts";
import { base, fakeBed } from "./fakes.ts";

/** Scenarios that skip at once (an unmet requirement): what is tested here is what happens around them. */
const skipping = (id: string, onCheck?: () => void): DiscoveredScenario => ({
  file: `scenarios/${id}.ts`,
  definition: {
    ...base,
    id,
    steps: async () => {},
    requires: [
      {
        check: async () => {
          onCheck?.();
          return `${id} cannot run here`;
        },
        enable: "x",
      },
    ],
  },
});

function harness(restorations: Record<string, Restoration[]> = {}) {
  const calls: string[] = [];
  const added: ScenarioResult[] = [];
  const logs: string[] = [];
  const bed = fakeBed({
    extra: {
      within: <T>(fn: () => T): T => {
        calls.push("within");
        return fn();
      },
      restore: async (after: string) => {
        calls.push(`restore after ${after}`);
        return restorations[after] ?? [];
      },
    },
  });
  const progress = {
    plan: (items: { id: string }[]) => calls.push(`plan ${items.map((i) => i.id).join(",")}`),
    start: (id: string) => calls.push(`start ${id}`),
    phase: () => {},
    traffic: () => {},
    done: (id: string, verdict: string) => calls.push(`done ${id} ${verdict}`),
  } as unknown as Progress;
  const journal = { add: (r: ScenarioResult) => added.push(r) } as unknown as RunJournalWriter;
  return { bed, calls, added, logs, progress, journal };
}

describe("runSelected", () => {
  it("runs each scenario inside the testbed's scope, restores after each, journals and reports it", async () => {
    const h = harness({
      "A-1": [
        { service: "worker", why: "its process (pid 9) exited", ok: true },
        { service: "db", why: "answered 503", ok: false, error: "port in use" },
      ],
    });
    await runSelected(h.bed, [skipping("A-1"), skipping("B-1")], {
      ...{ journal: h.journal, progress: h.progress, log: (l) => h.logs.push(l) },
      signal: new AbortController().signal,
    });
    assert.deepEqual(h.calls, [
      "plan A-1,B-1",
      "start A-1",
      "within",
      "restore after A-1",
      "done A-1 skipped",
      "start B-1",
      "within",
      "restore after B-1",
      "done B-1 skipped",
    ]);
    assert.deepEqual(
      h.added.map((r) => [r.id, r.verdict, r.reason]),
      [
        ["A-1", "skipped", "A-1 cannot run here"],
        ["B-1", "skipped", "B-1 cannot run here"],
      ],
    );
    assert.equal(h.added[0].restorations?.length, 2, "what was restored is in the journal");
    assert.equal(h.added[1].restorations, undefined, "nothing restored, no field");
    assert.ok(h.logs.includes("restarted worker after A-1: its process (pid 9) exited"));
    assert.ok(h.logs.includes("could not restart db after A-1: answered 503 (port in use)"));
    assert.ok(h.logs.includes("A-1 skipped: A-1 cannot run here"));
  });

  it("after an abort: the scenario running is journaled, nothing restored, no further scenario started", async () => {
    const h = harness();
    const ac = new AbortController();
    await runSelected(h.bed, [skipping("A-1", () => ac.abort()), skipping("B-1")], {
      ...{ journal: h.journal, progress: h.progress, log: (l) => h.logs.push(l) },
      signal: ac.signal,
    });
    assert.deepEqual(h.calls, ["plan A-1,B-1", "start A-1", "within", "done A-1 skipped"]);
    assert.deepEqual(
      h.added.map((r) => r.id),
      ["A-1"],
    );
  });
});
