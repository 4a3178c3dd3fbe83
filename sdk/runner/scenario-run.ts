// The state of one scenario while it runs: its phases, its faults (by handle id, from the chaos context's
// events), its notes and observations, the faults it applied; and the one way to finish it into a result.

import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { FaultEvent } from "../chaos/context.ts";
import { applyFault, type FaultHandle, type FaultSpec } from "../chaos/fault.ts";
import { type Duration, scaledDuration } from "../core/duration.ts";
import type { FaultRecord, PhaseRecord, ScenarioResult, Verdict } from "../core/journal.ts";
import { sleep } from "../core/sleep.ts";
import { type LogMarks, linesSince, markLogs, serviceLogFiles } from "../testbed/log-window.ts";
import type { CommandRecord, RunShell, ShellUndo } from "../testbed/shell.ts";
import type { Testbed } from "../testbed/testbed.ts";
import { keyName, toJsonValue } from "./observation.ts";
import { faultDurationMs } from "./phases/fault-window.ts";
import type { ScenarioDefinition } from "./scenario.ts";
import type { ScenarioContext } from "./scenario-context.ts";

export interface ScenarioRunOptions {
  bed: Testbed;
  file: string;
  signal: AbortSignal;
  log: (message: string) => void;
  /** Where the services' log lines of each fault window are written (none: not kept). */
  logWindowDir?: string;
  /** Live progress: the current phase and the traffic's last second. */
  onPhase?: (phase: string) => void;
  onTraffic?: (stats: { rps: number; errors: number }) => void;
}

export class ScenarioRun {
  readonly startedAt = Date.now();
  readonly phases: PhaseRecord[] = [];
  readonly faults: (FaultRecord & { id: string })[] = [];
  readonly notes: string[] = [];
  /** What the scenario recorded (ctx.record), as checks read it. */
  readonly data: Record<string, unknown> = {};
  readonly handles: FaultHandle[] = [];
  /** Commands run with ctx.$, and the reverts registered with ctx.$.undo. */
  readonly commands: CommandRecord[] = [];
  readonly undos: ShellUndo[] = [];
  readonly ctx: ScenarioContext;
  load: unknown;
  /** The services' log lines of the fault window, relative to the run folder. */
  logWindow: { file: string; lines: number } | undefined;
  #phase = "";
  #phaseStart = this.startedAt;
  readonly #off: () => void;

  constructor(
    readonly def: ScenarioDefinition,
    readonly o: ScenarioRunOptions,
  ) {
    const bed = o.bed;
    const onApplied = ({ id, spec, appliedAt, handle }: FaultEvent & { handle: FaultHandle }) => {
      // However it was applied (ctx.apply, the runner, or chaos.*.apply() in a step), it ends with the scenario.
      this.handles.push(handle);
      this.faults.push({
        id,
        kind: spec.kind,
        description: spec.describe(),
        target: spec.target(),
        appliedAt: appliedAt - this.startedAt,
        spec: spec.toJSON(),
      });
      this.log(`applied ${spec.describe()}`);
    };
    const onReverted = ({ id, spec, revertedAt }: { id: string; spec: FaultSpec; revertedAt: number }) => {
      const f = this.faults.find((x) => x.id === id);
      if (f) f.revertedAt = revertedAt - this.startedAt;
      this.log(`reverted ${spec.describe()}`);
    };
    bed.chaos.events.on("applied", onApplied);
    bed.chaos.events.on("reverted", onReverted);
    this.#off = () => {
      bed.chaos.events.off("applied", onApplied);
      bed.chaos.events.off("reverted", onReverted);
    };
    let sh: RunShell | undefined;
    const shell = () => {
      sh ??= this.#shell(bed);
      return sh;
    };
    this.ctx = {
      scenario: def,
      system: {
        definition: bed.system,
        get services() {
          return bed.services;
        },
        instances: (s) => bed.instances(s),
        service: (ref) => bed.service(ref),
        counter: (ref, name) => bed.counter(ref, name),
        target: bed.target,
      },
      chaos: bed.chaos,
      signal: o.signal,
      get $() {
        return shell();
      },
      apply: <D>(spec: FaultSpec) => applyFault<D>(spec, bed.chaos),
      sleep: (d: Duration) => sleep(scaledDuration(d), o.signal),
      hold: () => sleep(faultDurationMs(def), o.signal),
      log: (m) => this.log(m),
      note: (t) => this.notes.push(t),
      record: (k, v) => {
        this.data[keyName(k)] = v;
      },
      recorded: <T>(k: string | { key: string }) => this.data[keyName(k)] as T | undefined,
      setLoad: (r) => {
        this.load = r;
        this.data.load = r;
      },
      progress: (rps, errors) => o.onTraffic?.({ rps, errors }),
    };
  }

  log(message: string): void {
    this.o.log(`${this.def.id}: ${message}`);
  }

  /** Ends the current phase and starts `name` ("" ends without starting another). */
  phase(name: string): void {
    const now = Date.now();
    if (this.#phase)
      this.phases.push({
        name: this.#phase,
        start: this.#phaseStart - this.startedAt,
        end: now - this.startedAt,
      });
    this.#phase = name;
    this.#phaseStart = now;
    if (name) this.o.onPhase?.(name);
  }

  /** The scenario's `$`: its commands into the run log and the journal, its undos reverted with its faults. */
  #shell(bed: Testbed): RunShell {
    const sh = bed.shell({ log: (l) => this.log(l), onCommand: (r) => this.commands.push(r) });
    const undo: RunShell["undo"] = (pieces, ...args) => {
      const u = sh.undo(pieces, ...args);
      this.undos.push(u);
      return u;
    };
    return Object.assign((p: TemplateStringsArray, ...a: unknown[]) => sh(p, ...a), { undo });
  }

  /** Marks the services' logs at the start of the fault window. */
  markLogs(): LogMarks {
    return markLogs(serviceLogFiles(this.o.bed.system, this.o.bed.logDir));
  }

  /** Writes what the services logged since `marks` to the scenario's log window file, and notes where it is. */
  saveLogWindow(marks: LogMarks): void {
    const dir = this.o.logWindowDir;
    if (!dir) return;
    const found = linesSince(serviceLogFiles(this.o.bed.system, this.o.bed.logDir), marks);
    const count = found.reduce((n, f) => n + f.lines.length, 0);
    if (count === 0) return;
    mkdirSync(dir, { recursive: true });
    const name = `${this.def.id.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`;
    writeFileSync(
      join(dir, name),
      found.map((f) => `===== ${f.service}: ${f.file} =====\n${f.lines.join("\n")}\n`).join("\n"),
    );
    this.logWindow = { file: join(basename(dir), name), lines: count };
    this.notes.push(`The services logged ${count} line(s) during the fault window: ${this.logWindow.file}.`);
  }

  /** Reverts every fault this scenario applied (idempotent), logging what could not be reverted. */
  async revertAll(): Promise<void> {
    for (const h of [...this.handles].reverse())
      await h.revert().catch((e) => this.log(`revert failed: ${String(e)}`));
    for (const u of [...this.undos].reverse())
      await u.revert().catch((e) => this.log(`revert failed: ${String(e)}`));
  }

  /** The result: the verdict and its reason, plus everything observed so far. */
  finish(verdict: Verdict, reason: string, extra: Partial<ScenarioResult> = {}): ScenarioResult {
    this.phase("");
    const { load, ...recorded } = this.data;
    return {
      id: this.def.id,
      name: this.def.name,
      suite: this.def.suite,
      category: this.def.category,
      file: this.o.file,
      expected: this.def.expected,
      startedAt: this.startedAt,
      verdict,
      reason,
      endedAt: Date.now(),
      phases: this.phases,
      faults: this.faults,
      checks: [],
      windows: {},
      timeline: [],
      notes: this.notes,
      ...(this.logWindow ? { logWindow: this.logWindow } : {}),
      ...(this.commands.length ? { commands: this.commands } : {}),
      observations: toJsonValue(recorded) as Record<string, unknown>,
      ...(this.load === undefined ? {} : { load: this.load }),
      ...extra,
    };
  }

  dispose(): void {
    this.#off();
  }
}
