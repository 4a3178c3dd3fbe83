// `--target docker`: a declared service runs as a container of its `docker` image on the host network (same
// ports, same loopback), and the instances it owns (`docker.replicas`, e.g. a hive's workers) as containers of
// their own, kept at their count: one that exits is started again, as a replica set would. Killing a worker is
// then killing a container, and its replacement is the orchestrator's, not the service's.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { parseDuration } from "../core/duration.ts";
import { HivestormError, TimeoutError, ValidationError } from "../core/errors.ts";
import type { CleanupLedger } from "../core/ledger.ts";
import { isSameProcess, type ProcessRef, selfRef } from "../core/process-identity.ts";
import type { DockerServiceDefinition, ServiceDefinition } from "./definition.ts";
import { probeHealth } from "./health.ts";
import type { RunningService } from "./running-service.ts";
import { HIVESTORM_LABEL, startContainer } from "./targets/docker-containers.ts";
import { dockerFor, dockerStatus, engineOf, requireDocker } from "./targets/docker-engine.ts";

export interface DockerService extends RunningService {
  /** The service's container (what a selector naming the service acts on). */
  container: string;
  /** The replicas' containers, by slot. */
  replicas: string[];
}

export interface DockerServiceOptions {
  logDir: string;
  /** Labels the containers (hivestorm.run) so that a reaper finds what a killed run left. */
  runId: string;
  docker?: Docker;
  log?: (line: string) => void;
  /** Records each container started (settled when removed), so that a reaper removes what a dead run left. */
  ledger?: CleanupLedger;
}

/** The label naming the run that started a container: "<pid>:<start time>" of its runner. */
export const OWNER_LABEL = "hivestorm.owner";

export function ownerLabelValue(ref: ProcessRef = selfRef()): string {
  return `${ref.pid}:${ref.startTime ?? ""}`;
}

/** The runner named by a container's owner label; undefined when it has none (an older run's container). */
export function parseOwnerLabel(labels: Record<string, string> | undefined): ProcessRef | undefined {
  const m = /^(\d+):(\d*)$/.exec(labels?.[OWNER_LABEL] ?? "");
  return m ? { pid: Number(m[1]), startTime: m[2] || undefined } : undefined;
}

/** Records a started container in the ledger; the returned function settles it once removed. */
function recordContainer(ledger: CleanupLedger | undefined, name: string, docker: Docker): () => void {
  if (!ledger) return () => {};
  const id = ledger.add({
    description: `container ${name}`,
    revert: () =>
      docker
        .getContainer(name)
        .remove({ force: true })
        .catch(() => {}),
    reap: { kind: "container", name, ...withEngine(docker) },
  });
  return () => ledger.settle(id);
}

/** `{ engine }` for a record of a container on a service's own engine: the reaper must reach that one. */
function withEngine(docker: Docker): { engine?: { host: string; port: number } } {
  const engine = engineOf(docker);
  return engine ? { engine: { ...engine } } : {};
}

/** The container name of a service: unique per port, so that runs on other port offsets do not collide. */
export function serviceContainerName(name: string, def: Pick<ServiceDefinition, "url" | "docker">): string {
  if (def.docker?.name) return def.docker.name;
  return `hivestorm-${name}-${new URL(def.url).port || "80"}`;
}

export function replicaContainerName(replicas: { name: string }, slot: number): string {
  return `${replicas.name}-${slot}`;
}

export async function startDockerService(
  name: string,
  def: ServiceDefinition,
  o: DockerServiceOptions,
): Promise<DockerService> {
  const d = def.docker;
  if (!d)
    throw new ValidationError(`service ${name}`, [
      { path: "docker", message: "expected { image, cmd } to run it with --target docker" },
    ]);
  const docker = await requireDocker(o.docker ?? dockerFor(d));
  mkdirSync(o.logDir, { recursive: true });
  const container = serviceContainerName(name, def);
  const base = {
    image: d.image,
    env: def.env,
    runId: o.runId,
    docker,
    labels: { ...d.labels, "hivestorm.service": name, [OWNER_LABEL]: ownerLabelValue() },
  };
  // The log directory is always mounted at its own path: a bind of it given again would be refused as a duplicate.
  const own = (d.binds ?? []).filter((b) => b.split(":")[1] !== o.logDir);
  const binds = [`${o.logDir}:${o.logDir}`, ...own];
  await removeStale(docker, container);
  const settle = recordContainer(o.ledger, container, docker);
  // An empty cmd: the image's own command.
  const cmd = d.cmd.length ? d.cmd : undefined;
  await startContainer({ ...base, name: container, cmd, memoryBytes: d.memoryBytes, binds });
  let stopping = false;
  const keeper = d.keepRunning
    ? keep(docker, container, d.memoryBytes, () => stopping, o.log ?? (() => {}))
    : undefined;
  const replicas = d.replicas ? await startReplicas(name, d, { ...base, binds }, o.log, o.ledger) : undefined;
  const stop = once(async () => {
    stopping = true;
    await replicas?.stop();
    await stopContainer(docker, container, parseDuration(def.stopGrace ?? "5s"));
    if (keeper) await Promise.race([keeper, sleep(5000)]);
    // The containers' own output, for run.log (the services' JSON logs are in the mounted log directory).
    await saveLogs(docker, [container, ...(replicas?.names ?? [])], join(o.logDir, `${name}.docker.log`));
    for (const c of [container, ...(replicas?.names ?? [])])
      await docker
        .getContainer(c)
        .remove({ force: true })
        .catch(() => {});
    settle();
    replicas?.settle();
  });
  try {
    await waitHealthy(docker, name, container, def);
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = (await docker.getContainer(container).inspect()).State.Pid || undefined;
  return {
    name,
    url: def.url,
    pid,
    outputFile: join(o.logDir, `${name}.docker.log`),
    owned: true,
    container,
    replicas: replicas?.names ?? [],
    stop,
  };
}

type Base = {
  image: string;
  env?: Record<string, string>;
  runId: string;
  docker: Docker;
  labels: Record<string, string>;
  binds: string[];
};

/** Starts the replicas and keeps each one running until `stop`. */
async function startReplicas(
  service: string,
  d: DockerServiceDefinition,
  base: Base,
  log: (line: string) => void = () => {},
  ledger?: CleanupLedger,
) {
  const r = d.replicas!;
  const names = Array.from({ length: r.count }, (_, slot) => replicaContainerName(r, slot));
  let stopping = false;
  const keepers: Promise<void>[] = [];
  const settles: (() => void)[] = [];
  for (const [slot, name] of names.entries()) {
    await removeStale(base.docker, name);
    settles.push(recordContainer(ledger, name, base.docker));
    await startContainer({
      ...base,
      labels: { ...base.labels, "hivestorm.replica-of": service, "hivestorm.slot": String(slot) },
      name,
      cmd: r.cmd(slot),
      memoryBytes: r.memoryBytes,
    });
    keepers.push(keep(base.docker, name, r.memoryBytes, () => stopping, log));
  }
  return {
    names,
    settle: () => {
      for (const s of settles) s();
    },
    async stop() {
      stopping = true;
      // All at once: each drains on SIGTERM within its grace, and a stop (a Ctrl-C) should not wait for each in turn.
      await Promise.all(names.map((name) => stopContainer(base.docker, name, 5000)));
      await Promise.race([Promise.all(keepers), new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

/** Starts a replica again each time it exits, once any temporary memory limit (an OOM fault's) is lifted. */
async function keep(
  docker: Docker,
  name: string,
  memoryBytes: number | undefined,
  stopping: () => boolean,
  log: (line: string) => void,
): Promise<void> {
  const c = docker.getContainer(name);
  while (!stopping()) {
    await c.wait().catch(() => sleep(500));
    if (stopping()) return;
    // An OOM fault puts the old limit back after reading OOMKilled: restarting before would lose both.
    const deadline = Date.now() + 5000;
    while (!stopping() && Date.now() < deadline) {
      const info = await c.inspect().catch(() => undefined);
      if (!info) return;
      if (info.State.Running) break;
      const limit = info.HostConfig.Memory ?? 0;
      if (memoryBytes ? limit === memoryBytes : limit === 0 || limit >= (await hostMemory(docker))) break;
      await sleep(100);
    }
    await sleep(200);
    if (stopping()) return;
    await c.start().then(
      () => log(`restarted ${name}`),
      async (error: unknown) => {
        if (dockerStatus(error) === 404) return;
        // 304: already running (someone else started it).
        if (dockerStatus(error) !== 304) await sleep(1000);
      },
    );
    if (dockerStatus(await c.inspect().catch((e: unknown) => e)) === 404) return;
  }
}

let memTotal: number | undefined;
async function hostMemory(docker: Docker): Promise<number> {
  memTotal ??= ((await docker.info()) as { MemTotal: number }).MemTotal;
  return memTotal;
}

async function waitHealthy(docker: Docker, name: string, container: string, def: ServiceDefinition) {
  const url = new URL(def.health ?? "/health", def.url).toString();
  const timeoutMs = parseDuration(def.startTimeout ?? "20s");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await docker.getContainer(container).inspect();
    if (!info.State.Running)
      throw new HivestormError("E_SERVICE_START", `container ${container} of ${name} exited while starting`, {
        found: `exit code ${info.State.ExitCode}${info.State.OOMKilled ? " (OOM-killed)" : ""}`,
        hint: `see \`docker logs ${container}\`; is ${def.url} free, and is the image built (npx tsx scripts/build-images.ts)?`,
      });
    if ((await probeHealth(url, 1000)).ok) return;
    if (Date.now() > deadline)
      throw new TimeoutError(
        `service ${name} (container ${container}) did not become healthy within ${timeoutMs} ms`,
        {
          hint: `see \`docker logs ${container}\``,
        },
      );
    await sleep(200);
  }
}

/** A container of that name left by a killed run (ours: labelled) is removed; someone else's is not touched. */
async function removeStale(docker: Docker, name: string): Promise<void> {
  const info = await docker
    .getContainer(name)
    .inspect()
    .catch(() => undefined);
  if (!info) return;
  if (info.Config.Labels?.[HIVESTORM_LABEL] !== "1")
    throw new HivestormError("E_CONTAINER_NAME", `a container named ${name} exists and is not hivestorm's`, {
      hint: `remove or rename it (docker rm -f ${name}), or run with another HIVESTORM_PORT_OFFSET`,
    });
  const owner = parseOwnerLabel(info.Config.Labels);
  if (owner && owner.pid !== process.pid && isSameProcess(owner))
    throw new HivestormError(
      "E_CONTAINER_NAME",
      `container ${name} belongs to a live run (pid ${owner.pid})`,
      {
        hint: "wait for that run or stop it, or run with another HIVESTORM_PORT_OFFSET",
      },
    );
  await docker.getContainer(name).remove({ force: true });
}

async function stopContainer(docker: Docker, name: string, graceMs: number): Promise<void> {
  await docker
    .getContainer(name)
    .stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) })
    .catch(() => {});
}

async function saveLogs(docker: Docker, names: string[], file: string): Promise<void> {
  const parts: string[] = [];
  for (const n of names) {
    const buf = await docker
      .getContainer(n)
      .logs({ stdout: true, stderr: true, tail: 200 })
      .catch(() => undefined);
    if (buf) parts.push(`--- ${n}\n${demux(buf as unknown as Buffer)}`);
  }
  writeFileSync(file, parts.join("\n"));
}

/** Docker's multiplexed log stream (8-byte frame headers) to text. */
function demux(buf: Buffer): string {
  const out: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len).toString("utf8"));
    i += 8 + len;
  }
  return i === 0 ? buf.toString("utf8") : out.join("");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}
