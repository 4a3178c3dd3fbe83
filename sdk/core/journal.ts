// The run journal, `results.json`: everything a run observed, in one versioned JSON
// document. Reports and notebooks are pure functions of it. The JSON Schema is docs/results.schema.json; keep
// both in step and bump JOURNAL_SCHEMA on any incompatible change.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ValidationError } from "./errors.ts";

export const JOURNAL_SCHEMA = "hivestorm/results@2";
/** Journals of these schemas are still read (every @1 field kept its meaning in @2). */
export const READABLE_SCHEMAS: readonly string[] = ["hivestorm/results@1", JOURNAL_SCHEMA];

export type RunStatus = "passed" | "failed" | "interrupted" | "error" | "running";
export type Verdict = "passed" | "failed" | "error" | "skipped" | "interrupted";

export interface RunJournal {
  schema: string;
  runId: string;
  status: RunStatus;
  /** Why the run ended the way it did (an interruption, a runner error), when not simply its verdicts. */
  statusReason?: string;
  startedAt: number;
  endedAt?: number;
  options: RunOptionsRecord;
  environment: EnvironmentRecord;
  services: ServiceRecord[];
  scenarios: ScenarioResult[];
  /** Files of the run directory that belong to it (logs, charts), relative to the directory. */
  artifacts: string[];
}

export interface RunOptionsRecord {
  suites: string[];
  only: string[];
  timeScale: number;
  quick: boolean;
  dryRun: boolean;
  strict: boolean;
  target: "process" | "docker";
  /** Switches handed to the system's config (`--demo-bug` for the bundled demo). */
  systemFlags: string[];
  /** @deprecated schema @1's name of systemFlags; read it from journals of that schema only. */
  demoBugs?: string[];
  config: string;
}

export interface EnvironmentRecord {
  node: string;
  platform: string;
  cpus: number;
  memoryBytes: number;
  toxiproxy?: { url: string; embedded: boolean; version?: string };
}

export interface ServiceRecord {
  name: string;
  url: string;
  pid?: number;
  /** The address clients use when a proxy sits in front of the service. */
  proxiedUrl?: string;
}

export interface ScenarioResult {
  id: string;
  name: string;
  suite: string;
  category: string;
  /** The file the scenario came from, relative to the project root. */
  file: string;
  /** The expected behaviour, in words, as the scenario states it. */
  expected: string;
  verdict: Verdict;
  /** One sentence: why this verdict (the first failed check, the error, the skip reason). */
  reason: string;
  /** For a skip: the command or setting that enables the scenario. */
  enable?: string;
  startedAt: number;
  endedAt: number;
  phases: PhaseRecord[];
  faults: FaultRecord[];
  checks: CheckRecord[];
  windows: Partial<Record<WindowName, WindowStats>>;
  recovery?: RecoveryRecord;
  /** One entry per second of background traffic, t in ms from startedAt. */
  timeline: TimelinePoint[];
  /** Every background request, columnar to keep the file small: t in ms from startedAt. */
  samples?: SampleColumns;
  /** For load scenarios: the load engine's result (see sdk/load). */
  load?: unknown;
  /** Free-form observations a scenario wants in its report (e.g. "OOM produced by a cgroup memory limit"). */
  notes: string[];
  /** Every value the scenario recorded (ctx.record), as its checks read them: the evidence behind the verdict. */
  observations?: Record<string, unknown>;
  /** What the services logged during the fault window (a file of the run folder), when they logged anything. */
  logWindow?: { file: string; lines: number };
  /** Shell commands the scenario ran (ctx.$), in order: what ran, when, how long, how it ended. */
  commands?: {
    cmd: string;
    at: number;
    durationMs: number;
    exitCode: number | null;
    signal?: string | null;
  }[];
  /** Services found down after this scenario and started again (or not) before the next one. */
  restorations?: RestorationRecord[];
}

export interface RestorationRecord {
  service: string;
  /** Why it was restarted: "its process (pid 123) exited", "answered 503". */
  why: string;
  ok: boolean;
  error?: string;
}

export type WindowName = "before" | "during" | "after";

export interface PhaseRecord {
  name: "steady-state" | "baseline" | "fault" | "recovery" | "load" | string;
  start: number;
  end: number;
}

export interface FaultRecord {
  /** The fault handle's id: one per apply, unique in the run. */
  id?: string;
  kind: string;
  description: string;
  target: string;
  appliedAt: number;
  revertedAt?: number;
  /** The spec as applied, for reproduction. */
  spec: Record<string, unknown>;
}

export interface CheckRecord {
  name: string;
  ok: boolean;
  expected: string;
  observed: string;
}

export interface WindowStats {
  start: number;
  end: number;
  requests: number;
  ok: number;
  failed: number;
  errorRate: number;
  /** Latency in ms of all requests of the window (failed included: a hang is latency too). */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  byStatus: Record<string, number>;
  /** Per capture of the traffic, the requests of the window by captured value ("(none)" for null). */
  captures?: Record<string, Record<string, number>>;
}

export interface RecoveryRecord {
  deadlineMs: number;
  recovered: boolean;
  /** Time from the fault's revert until the system met its steady state again; null when it never did. */
  timeToRecoverMs: number | null;
  criterion: string;
}

export interface TimelinePoint {
  t: number;
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface SampleColumns {
  /** Start of each request, ms from the scenario's start. */
  t: number[];
  /** Latency in ms (µs resolution). */
  latencyMs: number[];
  /** HTTP status, 0 for a network error or timeout. */
  status: number[];
  /** Whether the request met the scenario's definition of success. */
  ok: boolean[];
  /** Per capture of the traffic (`traffic.capture`), each request's value; null when absent. */
  captures?: Record<string, (string | null)[]>;
  /** Streaming traffic: time to first token in ms from the scheduled start (null: no token came). */
  ttftMs?: (number | null)[];
  /** Streaming traffic: the longest gap between two tokens, ms (null: fewer than two tokens). */
  itlMaxMs?: (number | null)[];
  /** Streaming traffic: tokens received. */
  tokens?: number[];
  /** Streaming traffic: how the stream was cut ("reset", "eof", "timeout", "error"), null when whole or no stream. */
  cut?: (string | null)[];
}

/** Writes the journal atomically (a reader never sees half a file). */
export function writeJournal(file: string, journal: RunJournal): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${stringifyJournal(journal)}\n`);
  renameSync(tmp, file);
}

/**
 * Indented JSON, except that arrays of plain values (the per-request sample columns) stay on one line: a
 * person can read the file and it is half the size.
 */
export function stringifyJournal(journal: RunJournal): string {
  return JSON.stringify(journal, null, 2).replace(
    /\[\n\s*([^[\]{}]*?)\n\s*\]/g,
    (_, body: string) => `[${body.split(/,\n\s*/).join(", ")}]`,
  );
}

/** Reads and checks a journal: a file of another schema gets one clear error naming it. */
export function readJournal(file: string): RunJournal {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ValidationError(file, [
      { path: "", message: `not readable JSON: ${(error as Error).message}` },
    ]);
  }
  const problems = journalProblems(data);
  if (problems.length)
    throw new ValidationError(file, problems, "point at a results.json written by hivestorm");
  return upgradeJournal(data as RunJournal);
}

function journalProblems(data: unknown): { path: string; message: string }[] {
  if (typeof data !== "object" || data === null) return [{ path: "", message: "expected a JSON object" }];
  const d = data as Record<string, unknown>;
  const problems: { path: string; message: string }[] = [];
  if (!READABLE_SCHEMAS.includes(d.schema as string))
    problems.push({
      path: "schema",
      message: `expected one of ${READABLE_SCHEMAS.map((x) => `"${x}"`).join(", ")}, found ${JSON.stringify(d.schema)}`,
    });
  if (typeof d.runId !== "string") problems.push({ path: "runId", message: "expected a string" });
  if (!Array.isArray(d.scenarios)) problems.push({ path: "scenarios", message: "expected an array" });
  return problems;
}

/** A journal of an older schema read as the current one: @1's `demoBugs` is @2's `systemFlags`. */
export function upgradeJournal(j: RunJournal): RunJournal {
  if (j.options && j.options.systemFlags === undefined) j.options.systemFlags = j.options.demoBugs ?? [];
  return j;
}
