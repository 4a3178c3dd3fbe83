// From a plain description (a scenario file, hivestorm.config.ts) to targets: how a user points the same
// scenario at the demo's processes or at their own containers, by name or by label.
import type Docker from "dockerode";
import { FaultError, type Problem, ValidationError } from "../../core/errors.ts";
import { DockerTarget } from "./docker-target.ts";
import { ProcessTarget } from "./process-target.ts";
import type { Target } from "./target.ts";
import type { UndoLedger } from "./undo.ts";

export type TargetSpec =
  /** A running process someone else started. */
  | { kind: "process"; id: string; pid: number }
  /** A command hivestorm starts (and so can restart). */
  | {
      kind: "process";
      id: string;
      command: string;
      args?: string[];
      env?: Record<string, string>;
      cwd?: string;
    }
  /** One container by name or id. */
  | { kind: "docker"; container: string; id?: string }
  /** Every container with all these labels (`key=value` or `key`). */
  | { kind: "docker"; label: string | string[] };

export function targetSpecProblems(spec: unknown): Problem[] {
  if (typeof spec !== "object" || spec === null)
    return [{ path: "", message: "expected an object with a kind" }];
  const s = spec as Record<string, unknown>;
  const problems: Problem[] = [];
  const str = (v: unknown) => typeof v === "string" && v !== "";
  if (s.kind === "process") {
    if (!str(s.id)) problems.push({ path: "id", message: 'expected a name for reports, e.g. "worker-1"' });
    const hasPid = s.pid !== undefined;
    const hasCommand = s.command !== undefined;
    if (hasPid === hasCommand)
      problems.push({ path: "", message: "expected exactly one of pid and command" });
    if (hasPid && (!Number.isSafeInteger(s.pid) || (s.pid as number) <= 1)) {
      problems.push({
        path: "pid",
        message: `expected a process id greater than 1, found ${JSON.stringify(s.pid)}`,
      });
    }
    if (hasCommand && !str(s.command))
      problems.push({ path: "command", message: "expected a command to run" });
  } else if (s.kind === "docker") {
    const hasContainer = s.container !== undefined;
    const hasLabel = s.label !== undefined;
    if (hasContainer === hasLabel)
      problems.push({ path: "", message: "expected exactly one of container and label" });
    if (hasContainer && !str(s.container))
      problems.push({ path: "container", message: "expected a name or id" });
    const labels = [s.label ?? []].flat();
    if (hasLabel && (labels.length === 0 || !labels.every(str))) {
      problems.push({ path: "label", message: "expected a label (key=value or key) or a list of them" });
    }
  } else {
    problems.push({
      path: "kind",
      message: `expected "process" or "docker", found ${JSON.stringify(s.kind)}`,
    });
  }
  return problems;
}

/** The targets a spec names; a label that matches no container is an error, not an empty scenario. */
export async function resolveTargets(
  spec: TargetSpec,
  options: { ledger?: UndoLedger; docker?: Docker } = {},
): Promise<Target[]> {
  const problems = targetSpecProblems(spec);
  if (problems.length > 0) throw new ValidationError("target spec", problems);
  if (spec.kind === "process") {
    if ("pid" in spec)
      return [await ProcessTarget.attach({ id: spec.id, pid: spec.pid, ledger: options.ledger })];
    const env = spec.env ? { ...process.env, ...spec.env } : undefined;
    return [await ProcessTarget.spawn({ ...spec, env, ledger: options.ledger })];
  }
  if ("container" in spec) return [await DockerTarget.byName(spec.container, { ...options, id: spec.id })];
  const found = await DockerTarget.byLabel(spec.label, options);
  if (found.length === 0) {
    throw new FaultError(`no container has the label ${[spec.label].flat().join(", ")}`, {
      hint: "list candidates with `docker ps -a --filter label=...`; labels are set at `docker run --label`",
    });
  }
  return found;
}
