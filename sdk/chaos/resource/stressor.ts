// Which program makes CPU and memory pressure inside the target's cgroup: the built-in hog (Node, nothing to
// install: the default) or stress-ng (when asked for, with HIVESTORM_STRESSOR=stress-ng or `.stressor()`).
// Both are placed in the cgroup before their first instruction and hold the same pressure; the fault's
// description and journal entry name the one that ran.
import { fileURLToPath } from "node:url";
import { PrerequisiteError, type Problem, ValidationError } from "../../core/errors.ts";
import {
  STRESS_NG_ENABLE,
  type StressProcess,
  startPlaced,
  startStressNg,
  stressNgMissing,
} from "./stress-ng.ts";

export const STRESSORS = ["builtin", "stress-ng"] as const;
export type StressorName = (typeof STRESSORS)[number];
export const STRESSOR_ENV = "HIVESTORM_STRESSOR";

/** Name the built-in hog gives its process (`/proc/<pid>/comm`), so the reaper can tell it from a recycled pid. */
export const BUILTIN_COMMAND = "hivestorm-hog";
const HOG_ENTRY = fileURLToPath(new URL("./builtin-hog.mjs", import.meta.url));

/**
 * The memory a stressor's own process adds to the cgroup beyond what it holds for the fault (its binary's
 * pages are already cached and charged elsewhere): stress-ng about 4 MiB measured, the Node hog about 8 MiB
 * (heap, page tables). Twice each.
 */
export const STRESSOR_ALLOWANCE: Readonly<Record<StressorName, number>> = {
  "stress-ng": 8 * 2 ** 20,
  builtin: 16 * 2 ** 20,
};

/** The stressor chosen by HIVESTORM_STRESSOR (default builtin); a bad value is an error naming the variable. */
export function chosenStressor(env: NodeJS.ProcessEnv = process.env): StressorName {
  const raw = env[STRESSOR_ENV];
  if (raw === undefined || raw === "") return "builtin";
  if ((STRESSORS as readonly string[]).includes(raw)) return raw as StressorName;
  throw new ValidationError(STRESSOR_ENV, [
    { path: "", message: `expected one of ${STRESSORS.join(", ")}, found ${JSON.stringify(raw)}` },
  ]);
}

/** Problems with a fault's own choice of stressor, or (when it has none) with HIVESTORM_STRESSOR. */
export function stressorProblems(own: unknown, env: NodeJS.ProcessEnv = process.env): Problem[] {
  const expected = `expected one of ${STRESSORS.join(", ")}`;
  if (own !== undefined)
    return (STRESSORS as readonly unknown[]).includes(own)
      ? []
      : [{ path: "stressor", message: `${expected}, found ${JSON.stringify(own)}` }];
  const raw = env[STRESSOR_ENV];
  return raw === undefined || raw === "" || (STRESSORS as readonly string[]).includes(raw)
    ? []
    : [{ path: "stressor", message: `${STRESSOR_ENV}: ${expected}, found ${JSON.stringify(raw)}` }];
}

/** The fault's own stressor, else the environment's; an invalid environment value reads as builtin here. */
export function stressorFor(
  own: StressorName | undefined,
  env: NodeJS.ProcessEnv = process.env,
): StressorName {
  if (own !== undefined) return own;
  return stressorProblems(undefined, env).length > 0 ? "builtin" : chosenStressor(env);
}

/** Throws a PrerequisiteError when `name` cannot run here (checked before any cgroup is made). */
export function requireStressor(name: StressorName): void {
  const missing = stressorMissing(name);
  if (missing)
    throw new PrerequisiteError(missing, {
      hint: `${STRESS_NG_ENABLE}, or use the built-in stressor (${STRESSOR_ENV}=builtin)`,
    });
}

/** Undefined when `name` (default: the chosen one) can run here, else why not. */
export function stressorMissing(name: StressorName = chosenStressor()): string | undefined {
  return name === "stress-ng" ? stressNgMissing() : undefined;
}

export type StressSpec = { kind: "cpu"; workers: number; load: number } | { kind: "memory"; bytes: number };

export interface RunningStressor extends StressProcess {
  readonly stressor: StressorName;
  /** The command line, for the report. */
  readonly commandLine: string;
  /** What the reaper checks `/proc/<pid>/comm` against. */
  readonly command: string;
}

/** The arguments each stressor takes for `spec` (the hog takes stress-ng's names for the same things). */
export function stressorArgs(name: StressorName, spec: StressSpec): string[] {
  if (spec.kind === "cpu") {
    const args = ["--cpu", String(spec.workers), "--cpu-load", String(spec.load)];
    return name === "stress-ng" ? [...args, "-q"] : args;
  }
  const bytes = String(Math.round(spec.bytes));
  return name === "stress-ng"
    ? ["--vm", "1", "--vm-bytes", bytes, "--vm-keep", "--vm-hang", "0", "--oomable", "-q"]
    : ["--vm-bytes", bytes];
}

/** Starts `name` for `spec` inside `cgroupDirs` (see startPlaced); a missing stress-ng is a PrerequisiteError. */
export async function startStressor(
  name: StressorName,
  spec: StressSpec,
  cgroupDirs: readonly string[],
  options: { mayEnd?: boolean } = {},
): Promise<RunningStressor> {
  const args = stressorArgs(name, spec);
  requireStressor(name);
  if (name === "stress-ng") {
    const p = await startStressNg(args, cgroupDirs, options);
    return {
      ...p,
      stop: p.stop,
      stressor: name,
      commandLine: `stress-ng ${args.join(" ")}`,
      command: "stress-ng",
    };
  }
  const p = await startPlaced(
    BUILTIN_COMMAND,
    [process.execPath, HOG_ENTRY, ...args],
    args,
    cgroupDirs,
    options,
  );
  return {
    ...p,
    stop: p.stop,
    stressor: name,
    commandLine: `${BUILTIN_COMMAND} (built-in, Node) ${args.join(" ")}`,
    command: BUILTIN_COMMAND,
  };
}
