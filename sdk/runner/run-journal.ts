// The journal of a run as it happens: created before anything starts, rewritten (atomically) after every
// scenario, so that a run that dies still leaves what it found; finished with the run's status.
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { JOURNAL_SCHEMA, type RunJournal, type ScenarioResult, writeJournal } from "../core/journal.ts";
import type { Testbed } from "../testbed/testbed.ts";
import type { RunAllArgs } from "./args.ts";

export class RunJournalWriter {
  readonly journal: RunJournal;
  readonly file: string;

  constructor(runDir: string, runId: string, args: RunAllArgs) {
    this.file = join(runDir, "results.json");
    this.journal = {
      schema: JOURNAL_SCHEMA,
      runId,
      status: "running",
      startedAt: Date.now(),
      options: {
        suites: args.suites,
        only: args.only,
        timeScale: args.timeScale,
        quick: args.quick,
        dryRun: false,
        strict: args.strict,
        target: args.target,
        systemFlags: args.demoBugs,
        config: args.config,
      },
      environment: {
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        cpus: cpus().length,
        memoryBytes: totalmem(),
      },
      services: [],
      scenarios: [],
      artifacts: [],
    };
    this.write();
  }

  /** What the testbed started: the Toxiproxy and every service. */
  started(bed: Testbed): void {
    const t = bed.toxiproxy;
    this.journal.environment.toxiproxy = { url: t.url, embedded: t.embedded, version: t.version };
    this.journal.services = Object.values(bed.services).map((s) => ({
      name: s.name,
      url: s.url,
      pid: s.pid,
      proxiedUrl: s.clientUrl === s.url ? undefined : s.clientUrl,
    }));
    this.write();
  }

  add(result: ScenarioResult): void {
    this.journal.scenarios.push(result);
    this.write();
  }

  /** Ends the run: interrupted by a signal, stopped by an error, or judged by its scenarios. */
  finish(o: { interrupted?: string; error?: string; strict: boolean }): RunJournal["status"] {
    const j = this.journal;
    const bad = j.scenarios.some(
      (r) => r.verdict === "failed" || r.verdict === "error" || (o.strict && r.verdict === "skipped"),
    );
    j.status = o.interrupted ? "interrupted" : o.error ? "error" : bad ? "failed" : "passed";
    if (o.interrupted) j.statusReason = `${o.interrupted} received`;
    else if (o.error) j.statusReason = o.error;
    j.endedAt = Date.now();
    this.write();
    return j.status;
  }

  write(): void {
    writeJournal(this.file, this.journal);
  }
}
