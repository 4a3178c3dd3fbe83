// The scenarios of a run, one after another on one testbed: each runs inside the testbed's scope, and after
// each the testbed restores any service the scenario left dead or unhealthy, which the journal records.
import type { Testbed } from "../testbed/testbed.ts";
import type { DiscoveredScenario } from "./discover.ts";
import type { Progress } from "./progress.ts";
import type { RunJournalWriter } from "./run-journal.ts";
import { runScenario } from "./run-scenario.ts";

export async function runSelected(
  bed: Testbed,
  selected: DiscoveredScenario[],
  o: {
    journal: RunJournalWriter;
    progress: Progress;
    log: (line: string) => void;
    signal: AbortSignal;
    logWindowDir?: string;
  },
): Promise<void> {
  o.progress.plan(
    selected.map((s) => ({ id: s.definition.id, name: s.definition.name, suite: s.definition.suite })),
  );
  for (const { definition: def, file } of selected) {
    if (o.signal.aborted) break;
    o.progress.start(def.id);
    o.log(`${def.id} ${def.name}: ${def.expected}`);
    const result = await bed.within(() =>
      runScenario(def, {
        ...{ bed, file, signal: o.signal, log: o.log, logWindowDir: o.logWindowDir },
        onPhase: (p) => o.progress.phase(def.id, p),
        onTraffic: ({ rps, errors }) => o.progress.traffic(def.id, rps, errors),
      }),
    );
    if (!o.signal.aborted) {
      const restored = await bed.restore(def.id);
      for (const r of restored)
        o.log(
          `${r.ok ? "restarted" : "could not restart"} ${r.service} after ${def.id}: ${r.why}${r.error ? ` (${r.error})` : ""}`,
        );
      if (restored.length) result.restorations = restored;
    }
    o.journal.add(result);
    o.progress.done(def.id, result.verdict, result.reason);
    o.log(`${def.id} ${result.verdict}: ${result.reason}`);
  }
}
