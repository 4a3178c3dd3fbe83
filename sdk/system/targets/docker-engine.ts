// The one way the SDK reaches Docker: dockerode on DOCKER_HOST or /var/run/docker.sock, or on the engine a
// service names (`docker: { host, port }`, e.g. the engine of the host it runs on). When the engine does not
// answer, the error says how to start one here (.ci/setup-docker.sh).
import Docker from "dockerode";
import { PrerequisiteError, type Problem } from "../../core/errors.ts";
import { isLoopbackHost } from "../../core/loopback.ts";

export const SETUP_DOCKER_HINT =
  "start the engine with `bash .ci/setup-docker.sh` (as root: installs docker.io and runs dockerd " +
  "--bridge=none --iptables=false), or set DOCKER_HOST to an engine that answers";

/** A Docker engine's API over TCP (plain http, as `dockerd -H tcp://HOST:PORT` serves it). */
export interface DockerEngine {
  host: string;
  port: number;
}

let shared: Docker | undefined;
const byAddress = new Map<string, Docker>();
const engineOfClient = new WeakMap<Docker, DockerEngine>();

/** A dockerode client for DOCKER_HOST, or the default socket; shared unless options are given. */
export function dockerClient(options?: Docker.DockerOptions): Docker {
  if (options) return new Docker(options);
  shared ??= new Docker();
  return shared;
}

/** The client of `engine` (one per address, shared), or the default one (DOCKER_HOST or the socket) without it. */
export function dockerFor(engine?: Partial<DockerEngine>): Docker {
  if (engine?.host === undefined || engine.port === undefined) return dockerClient();
  const key = `${engine.host}:${engine.port}`;
  let docker = byAddress.get(key);
  if (!docker) {
    docker = new Docker({ host: engine.host, port: engine.port, protocol: "http" });
    byAddress.set(key, docker);
    engineOfClient.set(docker, { host: engine.host, port: engine.port });
  }
  return docker;
}

/** The engine a client of `dockerFor` talks to; undefined for the default one (what a reaper reaches anyway). */
export function engineOf(docker: Docker): DockerEngine | undefined {
  return engineOfClient.get(docker);
}

/** The engine a ledger record names (`engine: { host, port }`), for reapers; undefined: the default one. */
export function engineOfRecord(record: object): DockerEngine | undefined {
  const e = (record as { engine?: Partial<DockerEngine> }).engine;
  return typeof e?.host === "string" && typeof e.port === "number"
    ? { host: e.host, port: e.port }
    : undefined;
}

/** Every problem with a service's engine address, at `path` ("services.hive.docker"). */
export function dockerEngineProblems(
  value: { host?: unknown; port?: unknown },
  path: string,
  allowNonLoopback: boolean,
): Problem[] {
  if (value.host === undefined && value.port === undefined) return [];
  const problems: Problem[] = [];
  const host = value.host;
  if (typeof host !== "string" || host === "" || /[\s/]/.test(host))
    problems.push({
      path: `${path}.host`,
      message: `expected the host name or address of a Docker engine, found ${JSON.stringify(host)}`,
    });
  else if (!allowNonLoopback && !isLoopbackHost(host))
    problems.push({
      path: `${path}.host`,
      message: `${host} is not loopback (pass --allow-non-loopback to allow a Docker engine on another host)`,
    });
  const port = value.port;
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535)
    problems.push({
      path: `${path}.port`,
      message: `expected the engine's TCP port (1-65535, e.g. 2375), found ${JSON.stringify(port)}`,
    });
  return problems;
}

/** A DOCKER_HOST off loopback (tcp://10.0.0.5:2375) is a problem unless allowed; a unix socket is local. */
export function dockerHostProblem(
  dockerHost: string | undefined,
  allowNonLoopback: boolean,
): Problem | undefined {
  if (!dockerHost || allowNonLoopback) return undefined;
  let url: URL;
  try {
    url = new URL(dockerHost);
  } catch {
    return { path: "DOCKER_HOST", message: `expected unix:///path or tcp://host:port, found ${dockerHost}` };
  }
  if (url.protocol === "unix:" || url.protocol === "npipe:") return undefined;
  return isLoopbackHost(url.hostname)
    ? undefined
    : {
        path: "DOCKER_HOST",
        message: `${url.hostname} is not loopback (pass --allow-non-loopback to use a Docker engine on another host)`,
      };
}

/** Where a client sends its requests, for messages: "tcp://127.0.0.1:2375" or the socket. */
export function describeEngine(docker: Docker): string {
  const e = engineOf(docker);
  if (e) return `tcp://${e.host}:${e.port}`;
  return process.env.DOCKER_HOST ?? "/var/run/docker.sock";
}

export type DockerAvailability =
  | { ok: true; version: string; apiVersion: string }
  | { ok: false; reason: string };

/** Asks the engine for its version within `timeoutMs`; never throws. */
export async function dockerAvailability(
  docker = dockerClient(),
  timeoutMs = 3000,
): Promise<DockerAvailability> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const v = await Promise.race([docker.version(), timeout]);
    return { ok: true, version: v.Version, apiVersion: v.ApiVersion };
  } catch (error) {
    const where = describeEngine(docker);
    return { ok: false, reason: `Docker engine not reachable at ${where}: ${(error as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** Throws a PrerequisiteError naming .ci/setup-docker.sh when the engine does not answer. */
export async function requireDocker(docker = dockerClient()): Promise<Docker> {
  const a = await dockerAvailability(docker);
  if (!a.ok) {
    throw new PrerequisiteError(a.reason, { expected: "a running Docker engine", hint: SETUP_DOCKER_HINT });
  }
  return docker;
}

/** The HTTP status of a dockerode error (404 no such container, 409 conflict, 304 not modified). */
export function dockerStatus(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown })?.statusCode;
  return typeof code === "number" ? code : undefined;
}
