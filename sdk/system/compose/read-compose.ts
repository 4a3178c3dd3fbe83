// Reads a compose file (the `yaml` package) into hivestorm's terms: the project's name, and its services in
// start order (depends_on first). Every problem of the file is listed in one error naming it.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import { parseDocument } from "yaml";
import { HivestormError, type Problem, ValidationError } from "../../core/errors.ts";
import { type ComposeService, composeService } from "./compose-service.ts";
import { interpolateTree } from "./interpolate.ts";

export interface ComposeProject {
  /** `name:` of the file, else the folder's name (as compose names a project). */
  name: string;
  /** In start order: each after the services it depends on. */
  services: ComposeService[];
}

const TOP_LEVEL = ["services", "name", "version"];

export interface ReadComposeOptions {
  /** Variables for interpolation, over the environment's. */
  env?: Readonly<Record<string, string>>;
  /** Where relative paths in messages start. */
  root?: string;
}

export function readComposeFile(file: string, o: ReadComposeOptions = {}): ComposeProject {
  const shown = o.root ? relative(o.root, file) || file : file;
  if (!existsSync(file))
    throw new HivestormError("E_CONFIG", `compose file ${shown} not found`, {
      hint: "pass --compose FILE (or compose: in the config) with the path of a docker-compose.yml",
    });
  const doc = parseDocument(readFileSync(file, "utf8"), { merge: true });
  if (doc.errors.length)
    throw new ValidationError(
      shown,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}` : "",
        message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
      })),
    );
  const vars = { ...process.env, ...o.env };
  const problems: Problem[] = [];
  const raw = interpolateTree(doc.toJS(), vars, "", problems);
  const project = composeProject(raw, { file, vars, problems });
  if (problems.length) throw new ValidationError(shown, problems, 'see docs/system.md, "A compose file"');
  return project;
}

function composeProject(
  raw: unknown,
  o: { file: string; vars: Readonly<Record<string, string | undefined>>; problems: Problem[] },
): ComposeProject {
  const { problems } = o;
  const fallbackName = basename(dirname(o.file))
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "");
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push({ path: "", message: "expected a mapping with services:" });
    return { name: fallbackName, services: [] };
  }
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top))
    if (!key.startsWith("x-") && !TOP_LEVEL.includes(key))
      problems.push({
        path: key,
        message: `not supported (supported at the top: ${TOP_LEVEL.join(", ")}, x-*)${key === "networks" ? ": containers run on the host network" : ""}${key === "volumes" ? ": bind host folders in a service's volumes" : ""}`,
      });
  let name = fallbackName;
  if (top.name !== undefined) {
    if (typeof top.name === "string" && /^[a-z0-9][a-z0-9_-]*$/.test(top.name)) name = top.name;
    else
      problems.push({
        path: "name",
        message: `expected lowercase letters, digits, - and _ (a compose project name), found ${JSON.stringify(top.name)}`,
      });
  }
  const services = top.services;
  if (
    !services ||
    typeof services !== "object" ||
    Array.isArray(services) ||
    Object.keys(services).length === 0
  ) {
    problems.push({ path: "services", message: "declare at least one service" });
    return { name, services: [] };
  }
  const list: ComposeService[] = [];
  for (const [svc, def] of Object.entries(services)) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(svc))
      problems.push({ path: `services.${svc}`, message: "expected a name of letters, digits, ., - and _" });
    const s = composeService(svc, def, { file: o.file, at: `services.${svc}`, problems, env: o.vars });
    if (s) list.push(s);
  }
  return { name, services: startOrder(list, problems) };
}

/** Dependencies first, else the file's order; an unknown dependency or a cycle is a problem. */
function startOrder(services: ComposeService[], problems: Problem[]): ComposeService[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const s of services)
    for (const d of s.dependsOn)
      if (!byName.has(d))
        problems.push({
          path: `services.${s.name}.depends_on`,
          message: `unknown service ${JSON.stringify(d)}; the file declares ${[...byName.keys()].join(", ")}`,
        });
  const out: ComposeService[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (s: ComposeService, chain: string[]) => {
    if (state.get(s.name) === "done") return;
    if (state.get(s.name) === "visiting") {
      problems.push({
        path: `services.${s.name}.depends_on`,
        message: `a cycle: ${[...chain.slice(chain.indexOf(s.name)), s.name].join(" → ")}`,
      });
      return;
    }
    state.set(s.name, "visiting");
    for (const d of s.dependsOn) {
      const dep = byName.get(d);
      if (dep) visit(dep, [...chain, s.name]);
    }
    state.set(s.name, "done");
    out.push(s);
  };
  for (const s of services) visit(s, []);
  return out;
}
