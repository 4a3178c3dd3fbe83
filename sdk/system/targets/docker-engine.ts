// The one way the SDK reaches Docker: dockerode on DOCKER_HOST or /var/run/docker.sock. When the engine does
// not answer, the error says how to start one here (.ci/setup-docker.sh).
import Docker from "dockerode";
import { PrerequisiteError } from "../../core/errors.ts";

export const SETUP_DOCKER_HINT =
  "start the engine with `bash .ci/setup-docker.sh` (as root: installs docker.io and runs dockerd " +
  "--bridge=none --iptables=false), or set DOCKER_HOST to an engine that answers";

let shared: Docker | undefined;

/** A dockerode client for DOCKER_HOST, or the default socket; shared unless options are given. */
export function dockerClient(options?: Docker.DockerOptions): Docker {
  if (options) return new Docker(options);
  shared ??= new Docker();
  return shared;
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
    const where = process.env.DOCKER_HOST ?? "/var/run/docker.sock";
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
