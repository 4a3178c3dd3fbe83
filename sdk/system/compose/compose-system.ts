// A system whose services come from a compose file: the file is translated, not handed to `docker compose`.
// Each compose service becomes a hivestorm service on the docker target (its image, command, environment,
// ports, health check, binds; started in depends_on order, labelled as hivestorm's, so that the ledger and the
// reaper own every container); the config's service of the same name adds what compose cannot say (the proxy
// in front of it, instances, counters, apis, dataDir, an engine of its own).
import { isAbsolute, resolve } from "node:path";
import { type Problem, ValidationError } from "../../core/errors.ts";
import type { ComposeSource, ServiceDefinition, SystemDefinition } from "../definition.ts";
import type { ComposeProject } from "./read-compose.ts";
import { readComposeFile } from "./read-compose.ts";

export interface ApplyComposeOptions {
  root: string;
  target: "process" | "docker";
  /** `--compose FILE`: replaces the file the definition names (or gives one). */
  compose?: string;
}

/** Labels that say which compose project and service a container came from. */
export const COMPOSE_PROJECT_LABEL = "hivestorm.compose.project";
export const COMPOSE_SERVICE_LABEL = "hivestorm.compose.service";

/** The compose source of a run: `--compose` over the definition's `compose`; undefined when neither. */
export function composeSourceOf(system: SystemDefinition, flag?: string): ComposeSource | undefined {
  const own = typeof system.compose === "string" ? { file: system.compose } : system.compose;
  if (flag) return { ...own, file: flag };
  return own;
}

/** Definitions made here: applying again (an expanded definition handed on inline) changes nothing. */
const expanded = new WeakSet<SystemDefinition>();

/** The definition with the compose file's services in it; unchanged when there is no compose file. */
export function applyCompose(
  name: string,
  system: SystemDefinition,
  o: ApplyComposeOptions,
): SystemDefinition {
  if (!system || typeof system !== "object" || expanded.has(system)) return system;
  const source = composeSourceOf(system, o.compose);
  if (!source) return system;
  const problems: Problem[] = [];
  if (typeof source.file !== "string" || source.file === "")
    problems.push({
      path: "compose.file",
      message: `expected the path of a compose file, found ${JSON.stringify(source.file)}`,
    });
  if (o.target !== "docker")
    problems.push({
      path: "compose",
      message:
        "the compose file's services run as containers: run with --target docker (--compose implies it)",
    });
  if (problems.length) throw new ValidationError(name, problems);
  const file = isAbsolute(source.file) ? source.file : resolve(o.root, source.file);
  const project = readComposeFile(file, { env: source.env, root: o.root });
  const services = mergeServices(name, project, system.services ?? {});
  const out: SystemDefinition = { ...system, compose: { ...source, file }, services };
  expanded.add(out);
  return out;
}

/** The compose services (in start order) merged with the config's, then the config's others. */
function mergeServices(
  name: string,
  project: ComposeProject,
  own: Record<string, ServiceDefinition>,
): Record<string, ServiceDefinition> {
  const problems: Problem[] = [];
  const out: Record<string, ServiceDefinition> = {};
  for (const c of project.services) {
    const mine = own[c.name] as Partial<ServiceDefinition> | undefined;
    const port = c.health?.port ?? c.ports[0];
    const url = mine?.url ?? `http://127.0.0.1:${port}`;
    const listens = new Set([...c.ports, ...(c.health ? [c.health.port] : [])]);
    const urlPort = portOf(url);
    if (mine?.url && urlPort !== undefined && listens.size > 0 && !listens.has(urlPort))
      problems.push({
        path: `services.${c.name}.url`,
        message: `port ${urlPort} is not one the compose file gives ${c.name} (${[...listens].join(", ")})`,
      });
    const { command: _command, ...rest } = mine ?? {};
    out[c.name] = {
      ...rest,
      url,
      env: { ...c.environment, ...mine?.env },
      health: mine?.health ?? c.health?.path,
      startTimeout: mine?.startTimeout ?? (c.health ? `${c.health.startTimeoutMs}ms` : undefined),
      stopGrace: mine?.stopGrace ?? (c.stopGraceMs !== undefined ? `${c.stopGraceMs}ms` : undefined),
      docker: {
        image: c.image,
        // Without a command, the image's own (an empty Cmd would be refused).
        cmd: c.command ?? [],
        name: c.containerName ?? `${project.name}-${c.name}-1`,
        binds: c.binds,
        memoryBytes: c.memoryBytes,
        keepRunning: c.keepRunning,
        labels: { ...c.labels, [COMPOSE_PROJECT_LABEL]: project.name, [COMPOSE_SERVICE_LABEL]: c.name },
        // The engine is the config's to say (a compose file names none).
        ...(mine?.docker?.host !== undefined ? { host: mine.docker.host, port: mine.docker.port } : {}),
      },
    };
    if (out[c.name].health === undefined) delete out[c.name].health;
    if (out[c.name].startTimeout === undefined) delete out[c.name].startTimeout;
    if (out[c.name].stopGrace === undefined) delete out[c.name].stopGrace;
  }
  for (const [n, s] of Object.entries(own)) if (!out[n]) out[n] = s;
  if (problems.length) throw new ValidationError(name, problems);
  return out;
}

function portOf(url: string): number | undefined {
  try {
    const u = new URL(url);
    return Number(u.port || (u.protocol === "https:" ? 443 : 80));
  } catch {
    return undefined;
  }
}
