// Finds scenario files under scenarios/ (TypeScript files exporting `scenario`, and JSON files in the rbee plan's
// format) and loads them. The runner never imports a scenario by name: adding a file adds a scenario.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { glob } from "zx";
import { captureProblems } from "../core/capture.ts";
import { HivestormError, type Problem, ValidationError } from "../core/errors.ts";
import { parseJsonScenario } from "./json-scenario.ts";
import { declaredFaults, type ScenarioDefinition } from "./scenario.ts";

export interface DiscoveredScenario {
  file: string;
  definition: ScenarioDefinition;
}

export function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        if (!name.startsWith("_")) walk(p);
      } else if (/\.(ts|json)$/.test(name) && !name.endsWith(".d.ts") && !name.startsWith("_")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Where scenarios come from: the built-in folder (unless left out) and folders or globs of one's own. */
export interface ScenarioSources {
  /** Folders or globs ("checks/*.ts"), relative to the root. */
  extra?: string[];
  /** Include the built-in suite under scenarios/ (default true). */
  builtin?: boolean;
}

/** The scenario files of every source, each once, in a stable order. */
export async function sourceFiles(root: string, o: ScenarioSources = {}): Promise<string[]> {
  const files: string[] = o.builtin === false ? [] : scenarioFiles(join(root, "scenarios"));
  const problems: Problem[] = [];
  for (const src of o.extra ?? []) {
    const abs = isAbsolute(src) ? src : join(root, src);
    if (/[*?[{]/.test(src)) {
      const hits = (await glob(src, { cwd: root, absolute: true }))
        .filter((f) => /\.(ts|json)$/.test(f))
        .sort();
      if (hits.length === 0) problems.push({ path: src, message: "matches no .ts or .json file" });
      files.push(...hits);
    } else if (existsSync(abs) && statSync(abs).isDirectory()) files.push(...scenarioFiles(abs));
    else if (existsSync(abs)) files.push(abs);
    else problems.push({ path: src, message: "no such file or folder" });
  }
  if (problems.length)
    throw new ValidationError("--scenarios", problems, "give folders, files or globs of scenario files");
  return [...new Set(files)];
}

/** Loads every scenario; all invalid files are reported together and nothing runs. */
export async function discoverScenarios(
  root: string,
  sources: ScenarioSources = {},
): Promise<DiscoveredScenario[]> {
  const found: DiscoveredScenario[] = [];
  const errors: string[] = [];
  for (const path of await sourceFiles(root, sources)) {
    const file = relative(root, path);
    try {
      if (path.endsWith(".json"))
        found.push({ file, definition: parseJsonScenario(file, readFileSync(path, "utf8")) });
      else {
        const mod = (await import(pathToFileURL(path).href)) as { scenario?: ScenarioDefinition };
        if (!mod.scenario)
          throw new ValidationError(file, [
            {
              path: "scenario",
              message: "the file exports no `scenario` (export const scenario = defineScenario({...}))",
            },
          ]);
        const problems = definitionProblems(mod.scenario);
        if (problems.length) throw new ValidationError(file, problems);
        found.push({ file, definition: mod.scenario });
      }
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  const seen = new Map<string, string>();
  for (const s of found) {
    const other = seen.get(s.definition.id);
    if (other) errors.push(`duplicate scenario id ${s.definition.id} in ${other} and ${s.file}`);
    seen.set(s.definition.id, s.file);
  }
  if (errors.length)
    throw new HivestormError(
      "E_SCENARIOS",
      `${errors.length} scenario file(s) are invalid; nothing was run:\n${errors.join("\n")}`,
    );
  return found;
}

export function definitionProblems(d: ScenarioDefinition): Problem[] {
  const problems: Problem[] = [];
  if (!d.id) problems.push({ path: "id", message: "missing" });
  if (!d.name) problems.push({ path: "name", message: "missing" });
  if (!["chaos", "load", "stress"].includes(d.suite))
    problems.push({
      path: "suite",
      message: `expected chaos, load or stress, found ${JSON.stringify(d.suite)}`,
    });
  if (!d.expected) problems.push({ path: "expected", message: "state the expected behaviour in words" });
  if (!Array.isArray(d.expect) || (d.expect.length === 0 && !d.load))
    problems.push({
      path: "expect",
      message: "declare at least one check: a scenario that only ran has not passed",
    });
  const shapes = [d.fault !== undefined, typeof d.steps === "function", d.load !== undefined].filter(Boolean);
  if (shapes.length !== 1)
    problems.push({
      path: "fault|steps|load",
      message: `declare exactly one of fault (the runner applies it), steps (your own) or load (a plan); found ${shapes.length}`,
    });
  for (const [i, f] of declaredFaults(d).entries())
    for (const p of f.validate()) problems.push({ path: `fault[${i}].${p.path}`, message: p.message });
  if (!d.load && d.capture !== undefined) problems.push(...captureProblems(d.capture, "capture"));
  return problems;
}
