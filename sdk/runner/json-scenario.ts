// Scenarios as JSON, in the rbee plan's format plus what a judgement needs, so that adding a file adds a
// scenario with no code change:
//   {"id", "name", "toxic", "attributes" (or "run" and "revert": shell commands), "duration_seconds", "expected_behavior",
//    "target" (a service or a list: one fault per service, applied together), "stream"?, "toxicity"?,
//    "category"?, "capture"?: {name: source} (added to the traffic's), "expect": {...},
//    "recovery_deadline_seconds"?}

import type { FaultSpec } from "../chaos/fault.ts";
import { JSON_NETWORK_FAULTS } from "../chaos/network/index.ts";
import type { ToxicFault } from "../chaos/network/toxic-fault.ts";
import { ShellFault } from "../chaos/shell/shell-fault.ts";
import { type CaptureSpec, captureProblems } from "../core/capture.ts";
import { MAX_TIMER_MS } from "../core/duration.ts";
import { type Problem, ValidationError } from "../core/errors.ts";
import { SUITES } from "./args.ts";
import { type Check, expect } from "./expect.ts";
import type { ShareRange } from "./expect-share.ts";
import type { FaultScenario } from "./scenario.ts";

// The fault kinds' own registry: a toxic kind with a JSON name is a JSON scenario's "toxic" (no second table).
const TOXICS = JSON_NETWORK_FAULTS;

const EXPECT_KEYS: Record<string, (v: unknown) => string | undefined> = {
  success_rate_during: fraction,
  success_rate_after: fraction,
  max_success_rate_during: fraction,
  p95_during_below_ms: positive,
  p99_during_below_ms: positive,
  max_latency_during_ms: positive,
  p95_increase_min_ms: nonNegative,
  p95_increase_max_ms: nonNegative,
  failures_answered_with: (v) =>
    Array.isArray(v) && v.length > 0 && v.every((s) => Number.isInteger(s) && s >= 100 && s < 600)
      ? undefined
      : "expected a non-empty array of HTTP status codes",
  recovered: (v) => (typeof v === "boolean" ? undefined : "expected true or false"),
  share_before: shareProblem,
  share_during: shareProblem,
  share_after: shareProblem,
};

const TOP_KEYS = new Set([
  "id",
  "name",
  "toxic",
  "run",
  "revert",
  "attributes",
  "duration_seconds",
  "expected_behavior",
  "target",
  "stream",
  "toxicity",
  "category",
  "suite",
  "expect",
  "recovery_deadline_seconds",
  "baseline_seconds",
  "capture",
  "$schema",
]);

/** Parses one JSON scenario file's content; throws one ValidationError naming the file and every bad field. */
/** Seconds a timer can wait (MAX_TIMER_MS), and the largest toxic attribute (ms, bytes: an int32). */
const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
const MAX_ATTRIBUTE = MAX_TIMER_MS;
const seconds = (v: unknown) => typeof v === "number" && v > 0 && v <= MAX_SECONDS;

export function parseJsonScenario(file: string, text: string): FaultScenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(file, [{ path: "", message: `not valid JSON: ${(error as Error).message}` }]);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new ValidationError(file, [{ path: "", message: "expected a JSON object" }]);
  const j = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  const need = (key: string, ok: boolean, message: string) => {
    if (!ok) problems.push({ path: key, message });
  };
  for (const key of Object.keys(j))
    if (!TOP_KEYS.has(key)) problems.push({ path: key, message: "unknown field" });
  need(
    "id",
    typeof j.id === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(j.id),
    'expected an id such as "NF-006"',
  );
  need("name", typeof j.name === "string" && j.name.length > 0, "expected a non-empty string");
  need(
    "expected_behavior",
    typeof j.expected_behavior === "string" && j.expected_behavior.length > 0,
    "expected a non-empty description",
  );
  // A fault is a toxic on proxies, or a pair of shell commands ("run" applies it, "revert" puts it back).
  const shell = j.run !== undefined || j.revert !== undefined;
  if (shell && j.toxic !== undefined)
    problems.push({
      path: "toxic",
      message: 'give either "toxic" (a network fault) or "run"/"revert" (a shell fault), not both',
    });
  if (shell) {
    need(
      "run",
      typeof j.run === "string" && j.run.trim() !== "",
      "expected the command that applies the fault",
    );
    need(
      "revert",
      typeof j.revert === "string" && j.revert.trim() !== "",
      "expected the command that reverts it: every fault is reverted",
    );
  } else
    need(
      "toxic",
      typeof j.toxic === "string" && j.toxic in TOXICS,
      `expected one of ${Object.keys(TOXICS).join(", ")} (or "run" and "revert" commands), found ${JSON.stringify(j.toxic)}`,
    );
  need(
    "duration_seconds",
    seconds(j.duration_seconds),
    `expected a number of seconds > 0 and at most ${MAX_SECONDS}, found ${JSON.stringify(j.duration_seconds)}`,
  );
  const attributes = (j.attributes ?? {}) as Record<string, unknown>;
  if (typeof attributes !== "object" || Array.isArray(attributes))
    problems.push({ path: "attributes", message: "expected an object" });
  else
    for (const [k, v] of Object.entries(attributes))
      if (typeof v !== "number")
        problems.push({ path: `attributes.${k}`, message: `expected a number, found ${JSON.stringify(v)}` });
      // The fault checks its own lower bounds; beyond an int32 no toxic can honour the value.
      else if (!Number.isFinite(v) || v > MAX_ATTRIBUTE)
        problems.push({
          path: `attributes.${k}`,
          message: `at most ${MAX_ATTRIBUTE}, found ${JSON.stringify(v)}`,
        });
  if (j.suite !== undefined)
    need(
      "suite",
      (SUITES as readonly unknown[]).includes(j.suite),
      `expected one of ${SUITES.join(", ")}, found ${JSON.stringify(j.suite)}`,
    );
  const targets = shell && j.target === undefined ? [] : Array.isArray(j.target) ? j.target : [j.target];
  if (!shell)
    need(
      "target",
      targets.length > 0 &&
        targets.every((t) => typeof t === "string" && t.length > 0) &&
        new Set(targets).size === targets.length,
      `expected the service (or "@role") whose proxy gets the fault, or a list of distinct ones, found ${JSON.stringify(j.target)}`,
    );
  if (j.capture !== undefined) problems.push(...captureProblems(j.capture, "capture"));
  if (j.stream !== undefined)
    need(
      "stream",
      ["upstream", "downstream", "both"].includes(j.stream as string),
      'expected "upstream", "downstream" or "both"',
    );
  if (j.toxicity !== undefined)
    need(
      "toxicity",
      typeof j.toxicity === "number" && j.toxicity >= 0 && j.toxicity <= 1,
      "expected a probability in [0, 1]",
    );
  if (j.recovery_deadline_seconds !== undefined)
    need(
      "recovery_deadline_seconds",
      seconds(j.recovery_deadline_seconds),
      `expected seconds > 0 and at most ${MAX_SECONDS}, found ${JSON.stringify(j.recovery_deadline_seconds)}`,
    );
  if (j.baseline_seconds !== undefined)
    need(
      "baseline_seconds",
      seconds(j.baseline_seconds),
      `expected seconds > 0 and at most ${MAX_SECONDS}, found ${JSON.stringify(j.baseline_seconds)}`,
    );
  const ex = j.expect as Record<string, unknown> | undefined;
  if (typeof ex !== "object" || ex === null || Array.isArray(ex) || Object.keys(ex).length === 0)
    problems.push({
      path: "expect",
      message: `expected an object with at least one of ${Object.keys(EXPECT_KEYS).join(", ")}: a scenario must be judged`,
    });
  else
    for (const [k, v] of Object.entries(ex)) {
      const check = EXPECT_KEYS[k];
      const p = check ? check(v) : `unknown expectation; known: ${Object.keys(EXPECT_KEYS).join(", ")}`;
      if (p) problems.push({ path: `expect.${k}`, message: p });
    }

  const faults: FaultSpec[] = [];
  if (problems.length === 0 && shell) faults.push(new ShellFault(j.run as string, j.revert as string));
  if (problems.length === 0 && !shell)
    for (const target of targets as string[]) {
      let f = TOXICS[j.toxic as string](attributes as Record<string, number>).on(target);
      const tf = f as ToxicFault;
      if (j.stream && typeof tf.both === "function")
        f = j.stream === "both" ? tf.both() : j.stream === "upstream" ? tf.upstream() : tf.downstream();
      if (j.toxicity !== undefined && typeof tf.toxicity === "function")
        f = (f as ToxicFault).toxicity(j.toxicity as number);
      // the same attributes for every target: their problems are the same, listed once
      if (faults.length === 0)
        for (const p of f.validate()) problems.push({ path: `attributes.${p.path}`, message: p.message });
      faults.push(f);
    }
  if (problems.length)
    throw new ValidationError(file, problems, "fix the fields above; see docs/scenarios.md for the format");
  const roleTargets = (targets as string[]).filter((t) => t.startsWith("@"));

  return {
    id: j.id as string,
    name: j.name as string,
    suite: ((j.suite as string) ?? "chaos") as FaultScenario["suite"],
    category: (j.category as string) ?? "network",
    expected: j.expected_behavior as string,
    fault: faults.length === 1 ? faults[0] : faults,
    ...(j.capture ? { capture: j.capture as CaptureSpec } : {}),
    // A target given as a role ("@backend") needs that role mapped, with a proxy in front of its service.
    ...(roleTargets.length
      ? { roles: Object.fromEntries(roleTargets.map((t) => [t.slice(1), ["proxy" as const]])) }
      : {}),
    duration: (j.duration_seconds as number) * 1000,
    baseline: j.baseline_seconds === undefined ? undefined : (j.baseline_seconds as number) * 1000,
    recovery: { deadline: ((j.recovery_deadline_seconds as number) ?? 30) * 1000 },
    expect: toChecks(ex as Record<string, unknown>),
  };
}

function toChecks(ex: Record<string, unknown>): Check[] {
  const checks: Check[] = [];
  const n = (k: string) => ex[k] as number;
  if (ex.success_rate_during !== undefined)
    checks.push(expect.successRate("during", n("success_rate_during")));
  if (ex.max_success_rate_during !== undefined)
    checks.push(expect.successRateAtMost("during", n("max_success_rate_during"), "the fault bites"));
  if (ex.success_rate_after !== undefined) checks.push(expect.successRate("after", n("success_rate_after")));
  if (ex.p95_during_below_ms !== undefined)
    checks.push(expect.latencyBelow("during", "p95", n("p95_during_below_ms")));
  if (ex.p99_during_below_ms !== undefined)
    checks.push(expect.latencyBelow("during", "p99", n("p99_during_below_ms")));
  if (ex.max_latency_during_ms !== undefined)
    checks.push(expect.latencyBelow("during", "max", n("max_latency_during_ms"), "no request hangs"));
  if (ex.p95_increase_min_ms !== undefined || ex.p95_increase_max_ms !== undefined)
    checks.push(
      expect.latencyIncrease("during", "p95", {
        min: ex.p95_increase_min_ms as number,
        max: ex.p95_increase_max_ms as number,
      }),
    );
  if (ex.failures_answered_with !== undefined)
    checks.push(expect.failuresAnsweredWith("during", ex.failures_answered_with as number[]));
  if (ex.recovered === true) checks.push(expect.recovered());
  for (const w of ["before", "during", "after"] as const) {
    const sh = ex[`share_${w}`] as JsonShare | undefined;
    if (sh) checks.push(expect.captured(w, sh.capture, String(sh.equals), sh as ShareRange));
  }
  return checks;
}

/** `{ "capture": "backend", "equals": "B", "min": 0.99 }`: the share of requests whose capture has a value. */
interface JsonShare {
  capture: string;
  equals: string | number | boolean;
  min?: number;
  max?: number;
}

function shareProblem(v: unknown): string | undefined {
  const form = '{ "capture": name, "equals": value, "min" and/or "max": fraction }';
  if (typeof v !== "object" || v === null || Array.isArray(v)) return `expected ${form}`;
  const o = v as Record<string, unknown>;
  const bad: string[] = [];
  const unknown = Object.keys(o).filter((k) => !["capture", "equals", "min", "max"].includes(k));
  if (unknown.length) bad.push(`unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
  if (typeof o.capture !== "string" || o.capture.length === 0)
    bad.push(`"capture": expected the name of a capture, found ${JSON.stringify(o.capture)}`);
  if (!["string", "number", "boolean"].includes(typeof o.equals))
    bad.push(`"equals": expected a string, number or boolean, found ${JSON.stringify(o.equals)}`);
  if (o.min === undefined && o.max === undefined) bad.push('expected "min" or "max" (or both)');
  for (const k of ["min", "max"])
    if (o[k] !== undefined && fraction(o[k])) bad.push(`"${k}": ${fraction(o[k])}`);
  return bad.length ? `${bad.join("; ")}; expected ${form}` : undefined;
}

function fraction(v: unknown): string | undefined {
  return typeof v === "number" && v >= 0 && v <= 1
    ? undefined
    : `expected a fraction in [0, 1], found ${JSON.stringify(v)}`;
}
function positive(v: unknown): string | undefined {
  return typeof v === "number" && v > 0 ? undefined : `expected a number > 0, found ${JSON.stringify(v)}`;
}
function nonNegative(v: unknown): string | undefined {
  return typeof v === "number" && v >= 0 ? undefined : `expected a number >= 0, found ${JSON.stringify(v)}`;
}
