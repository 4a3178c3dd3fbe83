// Containers started for a run: host networking only (no bridge exists on these machines, and traffic stays on
// loopback), labelled so that a reaper finds and removes whatever a killed run left behind.
import type Docker from "dockerode";
import { type Problem, ValidationError } from "../../core/errors.ts";
import { dockerClient, dockerStatus } from "./docker-engine.ts";

/** Every container hivestorm starts carries `hivestorm=1` and `hivestorm.run=<run id>`. */
export const HIVESTORM_LABEL = "hivestorm";
export const RUN_LABEL = "hivestorm.run";

export interface StartContainerOptions {
  image: string;
  /** The container's name, which is also how a DockerTarget finds it. */
  name: string;
  cmd?: readonly string[];
  env?: Readonly<Record<string, string>>;
  /** A hard memory limit (no swap on top): the container is OOM-killed above it. */
  memoryBytes?: number;
  /** Mount point → options, e.g. { "/data": "size=16m" }. */
  tmpfs?: Readonly<Record<string, string>>;
  /** Host path:container path[:ro]. */
  binds?: readonly string[];
  labels?: Readonly<Record<string, string>>;
  /** Groups the containers of one run for `removeContainers({ runId })`. */
  runId?: string;
  /**
   * Runs a tiny init (docker-init) as pid 1 (default true): a process that is pid 1 ignores SIGTERM unless it
   * installs a handler, which would make every graceful stop look forced.
   */
  init?: boolean;
  docker?: Docker;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** Docker refuses limits below 6 MiB. */
const MIN_MEMORY = 6 * 1024 * 1024;

export function startContainerProblems(o: StartContainerOptions): Problem[] {
  const problems: Problem[] = [];
  if (typeof o.image !== "string" || o.image === "") {
    problems.push({
      path: "image",
      message: `expected an image reference, found ${JSON.stringify(o.image)}`,
    });
  }
  if (typeof o.name !== "string" || !NAME.test(o.name)) {
    problems.push({
      path: "name",
      message: `expected [a-zA-Z0-9][a-zA-Z0-9_.-]*, found ${JSON.stringify(o.name)}`,
    });
  }
  if (o.memoryBytes !== undefined && (!Number.isSafeInteger(o.memoryBytes) || o.memoryBytes < MIN_MEMORY)) {
    problems.push({
      path: "memoryBytes",
      message: `expected a whole number ≥ ${MIN_MEMORY} (6 MiB), found ${o.memoryBytes}`,
    });
  }
  if (o.cmd !== undefined && (!Array.isArray(o.cmd) || o.cmd.some((c) => typeof c !== "string"))) {
    problems.push({ path: "cmd", message: "expected an array of strings" });
  }
  for (const key of Object.keys(o.labels ?? {})) {
    if (key === HIVESTORM_LABEL || key === RUN_LABEL) {
      problems.push({ path: `labels.${key}`, message: "is set by hivestorm itself" });
    }
  }
  return problems;
}

/** Creates and starts a container on the host network; removes it again if it cannot start. */
export async function startContainer(o: StartContainerOptions): Promise<Docker.Container> {
  const problems = startContainerProblems(o);
  if (problems.length > 0) throw new ValidationError(`container ${JSON.stringify(o.name)}`, problems);
  const docker = o.docker ?? dockerClient();
  const container = await docker.createContainer({
    name: o.name,
    Image: o.image,
    Cmd: o.cmd ? [...o.cmd] : undefined,
    Env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: { ...o.labels, [HIVESTORM_LABEL]: "1", [RUN_LABEL]: o.runId ?? "" },
    HostConfig: {
      NetworkMode: "host",
      Init: o.init ?? true,
      Memory: o.memoryBytes,
      MemorySwap: o.memoryBytes,
      Tmpfs: o.tmpfs ? { ...o.tmpfs } : undefined,
      Binds: o.binds ? [...o.binds] : undefined,
    },
  });
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => {});
    throw error;
  }
  return container;
}

export interface ContainerFilter {
  /** Only the containers of this run. */
  runId?: string;
  /** More `key=value` (or `key`) labels, all of which must match. */
  labels?: readonly string[];
  /** Name substrings (Docker's name filter). */
  names?: readonly string[];
}

/** The hivestorm containers (label hivestorm=1) matching `filter`, running or not. */
export async function listContainers(filter: ContainerFilter = {}, docker = dockerClient()) {
  const label = [`${HIVESTORM_LABEL}=1`, ...(filter.labels ?? [])];
  if (filter.runId !== undefined) label.push(`${RUN_LABEL}=${filter.runId}`);
  const filters: Record<string, string[]> = { label };
  if (filter.names?.length) filters.name = [...filter.names];
  return docker.listContainers({ all: true, filters });
}

/**
 * Force-removes the hivestorm containers matching `filter` (never one without the hivestorm=1 label);
 * returns their names.
 */
export async function removeContainers(
  filter: ContainerFilter = {},
  docker = dockerClient(),
): Promise<string[]> {
  const removed: string[] = [];
  for (const info of await listContainers(filter, docker)) {
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Names[0]?.replace(/^\//, "") ?? info.Id);
    } catch (error) {
      if (dockerStatus(error) !== 404) throw error;
    }
  }
  return removed;
}
