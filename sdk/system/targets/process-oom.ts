// A real OOM kill of a local process: move it into a memory cgroup of its own, limit that cgroup to just above
// what it uses, make it allocate, and let the kernel's OOM killer do the rest. The cgroup's own counters are the
// evidence, not our guess from an exit signal.
import { type Problem, TimeoutError, ValidationError } from "../../core/errors.ts";
import { createCgroup } from "../cgroup/cgroup.ts";
import { cgroupSupport, OomUnsupportedError } from "../cgroup/cgroup-support.ts";
import { descendantPids } from "./proc.ts";
import type { ExitInfo } from "./process-target.ts";
import { formatBytes, MiB, type OomOptions, type OomResult } from "./target.ts";
import type { UndoLedger } from "./undo.ts";

export const DEFAULT_OOM_HEADROOM = 32 * MiB;
export const DEFAULT_OOM_TIMEOUT_MS = 30_000;

export interface CgroupOomInput extends OomOptions {
  /** Names the cgroup and the report; `pid` is the process to kill. */
  id: string;
  description: string;
  pid: number;
  /** Resolves with how the process ended, or undefined when it still runs after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<ExitInfo | undefined>;
  ledger?: UndoLedger;
}

export function oomOptionProblems(options: OomOptions): Problem[] {
  const problems: Problem[] = [];
  for (const key of ["headroomBytes", "limitBytes", "timeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0)) {
      problems.push({ path: key, message: `expected a positive whole number, found ${v}` });
    }
  }
  if (options.provoke !== undefined && typeof options.provoke !== "function") {
    problems.push({ path: "provoke", message: "expected a function that makes the target allocate" });
  }
  return problems;
}

export async function oomInCgroup(input: CgroupOomInput): Promise<OomResult> {
  const problems = oomOptionProblems(input);
  if (problems.length > 0) throw new ValidationError(`oom options for ${input.description}`, problems);
  const support = cgroupSupport();
  if (!support.ok) throw new OomUnsupportedError(input.description, support.missing);

  const name = `oom-${input.id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 60)}-${input.pid}`;
  const cgroup = await createCgroup(name, { ledger: input.ledger });
  try {
    // The whole tree goes in: behind a wrapper (npx, tsx, a shell) the allocating process is a descendant.
    const tree = [input.pid, ...(await descendantPids(input.pid))];
    await cgroup.addPid(input.pid);
    // A descendant may exit between the listing and the move: that one needs no limit.
    for (const pid of tree.slice(1)) await cgroup.addPid(pid).catch(() => {});
    // On v1 the charges a process made before the move stay where they were: usage here starts near zero.
    const usage = await cgroup.memoryUsage();
    const headroom = input.headroomBytes ?? DEFAULT_OOM_HEADROOM;
    const limit = input.limitBytes ?? usage + headroom;
    const before = await cgroup.memoryEvents();
    await cgroup.setMemoryMax(limit);
    const started = Date.now();
    let provokeError: unknown;
    if (input.provoke) {
      const provoke = input.provoke;
      void Promise.resolve()
        .then(() => provoke())
        .catch((error: unknown) => {
          provokeError = error;
        });
    }
    const timeoutMs = input.timeoutMs ?? DEFAULT_OOM_TIMEOUT_MS;
    const exit = await input.waitForExit(timeoutMs);
    const killedAfterMs = Date.now() - started;
    if (!exit) {
      const now = await cgroup.memoryUsage().catch(() => Number.NaN);
      throw new TimeoutError(`${input.description} was not OOM-killed within ${timeoutMs} ms`, {
        expected: `usage to exceed the limit of ${formatBytes(limit)}`,
        found: `usage ${formatBytes(now)}${provokeError ? `; provoke failed: ${String(provokeError)}` : ""}`,
        hint: input.provoke
          ? "make provoke allocate more than the headroom (or lower headroomBytes)"
          : "pass provoke: a call that makes the target allocate memory (e.g. its debug endpoint)",
      });
    }
    const after = await cgroup.memoryEvents();
    const peak = await cgroup.memoryPeak();
    const peakFile = support.version === 1 ? "memory.max_usage_in_bytes" : "memory.peak";
    const counter = support.version === 1 ? "memory.oom_control oom_kill" : "memory.events oom_kill";
    const limitFile = support.version === 1 ? "memory.limit_in_bytes" : "memory.max";
    const evidence = [
      `${counter} ${before.oomKill} → ${after.oomKill}`,
      `peak usage ${formatBytes(peak ?? Number.NaN)} of the ${formatBytes(limit)} limit (${peakFile})`,
      exit.signal ? `process ended by ${exit.signal}` : `process ended with ${exitText(exit)}`,
    ];
    const basis = input.limitBytes
      ? "given"
      : `usage ${formatBytes(usage)} + ${formatBytes(headroom)} headroom`;
    return {
      method: support.version === 1 ? "cgroup-v1-memory-limit" : "cgroup-v2-memory-max",
      how:
        `moved pid ${input.pid}${tree.length > 1 ? ` and its ${tree.length - 1} descendant(s)` : ""} into ${cgroup.path}, set ${limitFile} to ${formatBytes(limit)} (${basis}), ` +
        `${input.provoke ? "made it allocate" : "waited for it to allocate"}; the kernel OOM killer ended it`,
      limitBytes: limit,
      usageBytes: usage,
      oomKilled: after.oomKill > before.oomKill,
      killedAfterMs,
      exitCode: exit.code,
      exitSignal: exit.signal,
      evidence,
    };
  } finally {
    await cgroup.remove();
  }
}

function exitText(exit: ExitInfo): string {
  return exit.code === null ? "an unknown status (not our child)" : `exit code ${exit.code}`;
}
