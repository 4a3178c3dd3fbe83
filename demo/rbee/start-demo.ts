// startDemoRbee: the whole reference system (hive owning its workers, queen in front) as real processes on
// loopback, with handles to reach and stop them. Used by tests, the bench and the suite's runner.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bugProblems } from "./lib/bugs.ts";
import { DemoInputError } from "./lib/flags.ts";
import { PARENT_PID_ENV } from "./lib/listen.ts";

export interface DemoRbeeOptions {
  /** Workers the hive spawns and keeps alive (default 4). */
  workers?: number;
  /** Default 8081; 0 picks a free port. */
  queenPort?: number;
  /** Default 9201; 0 picks a free port. */
  hivePort?: number;
  /** Worker i listens on base + i (default 9300); 0 gives every worker an ephemeral port. */
  workerBasePort?: number;
  /** What the queen uses to reach the hive (e.g. a Toxiproxy listener); default the hive directly. */
  hiveUrl?: string;
  bugs?: string[];
  /** Where every service writes its JSON-lines log (default a new temp dir). */
  logDir?: string;
  /** The hive's model cache (default a new temp dir, removed by stop()). */
  cacheDir?: string;
  /** Extra environment of the workers (WORKER_VRAM_MB, WORKER_GRACE_MS, ...). */
  workerEnv?: Record<string, string>;
  tokenDelayMs?: number;
  loadTimeMs?: number;
  /** Extra flags for the queen and the hive, e.g. ["--max-inflight", "8"]. */
  queenArgs?: string[];
  hiveArgs?: string[];
  /** Resolve only once every worker is ready (default true). */
  waitReady?: boolean;
  /** Bound of the whole start (default 30 s). */
  startTimeoutMs?: number;
}

export interface WorkerInfo {
  id: string;
  url: string;
  pid: number;
  state: "loading" | "ready" | "draining" | "dead";
  inflight: number;
  lastHeartbeat: string;
  slot: number;
}

export interface ServiceHandle {
  url: string;
  pid: number;
}

export interface DemoRbee {
  queen: ServiceHandle;
  hive: ServiceHandle;
  /** From the hive's GET /v1/workers. */
  workers(): Promise<WorkerInfo[]>;
  /** Every log file in logDir now (workers spawned later add theirs). */
  readonly logFiles: string[];
  logDir: string;
  cacheDir: string;
  /** SIGTERM everything, then SIGKILL every process it knows of after a grace period. Idempotent. */
  stop(): Promise<void>;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const TSX_LOADER = import.meta.resolve("tsx");
/** Extra node flags for every service, e.g. RBEE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile. */
const NODE_ARGS = (process.env.RBEE_NODE_ARGS ?? "").split(" ").filter(Boolean);

export async function startDemoRbee(options: DemoRbeeOptions = {}): Promise<DemoRbee> {
  const o = checkOptions(options);
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), "rbee-logs-"));
  const ownCache = options.cacheDir === undefined;
  const cacheDir = options.cacheDir ?? mkdtempSync(join(tmpdir(), "rbee-cache-"));
  const bugArgs = (options.bugs ?? []).flatMap((b) => ["--bug", b]);
  const workerEnv: Record<string, string> = { ...options.workerEnv };
  if (options.tokenDelayMs !== undefined) workerEnv.WORKER_TOKEN_DELAY_MS = String(options.tokenDelayMs);
  if (options.loadTimeMs !== undefined) workerEnv.WORKER_LOAD_MS = String(options.loadTimeMs);
  const graceMs = Number(workerEnv.WORKER_GRACE_MS ?? process.env.WORKER_GRACE_MS ?? 5000);
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  const children: ChildProcess[] = [];
  const knownWorkerPids = new Set<number>();

  const hive = await startService(
    "hive",
    [
      "--port",
      String(o.hivePort),
      "--spawn",
      String(o.workers),
      "--worker-base-port",
      String(o.workerBasePort),
      "--log-file",
      join(logDir, "hive.jsonl"),
      "--log-dir",
      logDir,
      "--cache-dir",
      cacheDir,
      ...bugArgs,
      ...(options.hiveArgs ?? []),
    ],
    { ...process.env, ...workerEnv },
    deadline,
    children,
  ).catch(async (err) => {
    await killAll(children);
    throw err;
  });

  let queen: ServiceHandle;
  try {
    queen = await startService(
      "queen",
      [
        "--port",
        String(o.queenPort),
        "--hive-url",
        options.hiveUrl ?? hive.url,
        "--log-file",
        join(logDir, "queen.jsonl"),
        ...bugArgs,
        ...(options.queenArgs ?? []),
      ],
      process.env,
      deadline,
      children,
    );
  } catch (err) {
    await killAll(children);
    throw err;
  }

  async function workers(): Promise<WorkerInfo[]> {
    const res = await fetch(`${hive.url}/v1/workers`, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { workers: WorkerInfo[] };
    for (const w of body.workers) knownWorkerPids.add(w.pid);
    return body.workers;
  }

  if (options.waitReady !== false && o.workers > 0) {
    for (;;) {
      const ready = await workers().then(
        (ws) => ws.filter((w) => w.state === "ready").length,
        () => 0,
      );
      if (ready >= o.workers) break;
      if (Date.now() > deadline) {
        await killAll(children);
        throw new Error(
          `demo rbee: ${ready} of ${o.workers} workers ready after the start timeout; logs in ${logDir}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  let stopping: Promise<void> | undefined;
  return {
    queen,
    hive,
    workers,
    logDir,
    cacheDir,
    get logFiles() {
      return existsSync(logDir) ? readdirSync(logDir).map((f) => join(logDir, f)) : [];
    },
    stop() {
      stopping ??= (async () => {
        await workers().catch(() => undefined);
        await killAll(children, graceMs + 2000);
        // Workers the hive could not take down (ignore-sigterm past its grace, a hive that crashed).
        for (const pid of knownWorkerPids) if (isOurWorker(pid)) process.kill(pid, "SIGKILL");
        if (ownCache) rmSync(cacheDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function checkOptions(options: DemoRbeeOptions) {
  const problems: string[] = [];
  const int = (name: string, v: number | undefined, dflt: number, max: number) => {
    const value = v ?? dflt;
    if (!Number.isInteger(value) || value < 0 || value > max)
      problems.push(`${name}: expected an integer 0..${max}, found ${value}`);
    return value;
  };
  const o = {
    workers: int("workers", options.workers, 4, 64),
    queenPort: int("queenPort", options.queenPort, 8081, 65535),
    hivePort: int("hivePort", options.hivePort, 9201, 65535),
    workerBasePort: int("workerBasePort", options.workerBasePort, 9300, 65535),
  };
  problems.push(...bugProblems(options.bugs ?? [], "bugs"));
  if (options.hiveUrl !== undefined && !/^http:\/\/[^/]+\/?$/.test(options.hiveUrl)) {
    problems.push(`hiveUrl: expected http://HOST:PORT, found ${JSON.stringify(options.hiveUrl)}`);
  }
  if (problems.length > 0) throw new DemoInputError("startDemoRbee options", problems);
  return o;
}

/** Spawns one service and resolves with its URL once it prints its ready line. */
function startService(
  name: "hive" | "queen",
  args: string[],
  env: NodeJS.ProcessEnv,
  deadline: number,
  children: ChildProcess[],
): Promise<ServiceHandle> {
  const child = spawn(
    process.execPath,
    [...NODE_ARGS, "--import", TSX_LOADER, join(HERE, `${name}.ts`), ...args],
    {
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...env, [PARENT_PID_ENV]: String(process.pid) },
    },
  );
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  return new Promise<ServiceHandle>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(
      () => fail("did not print its ready line in time"),
      Math.max(1, deadline - Date.now()),
    );
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`demo rbee: the ${name} ${why}\n${stderr}`));
    };
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
    child.once("error", (err) => fail(`could not start: ${err.message}`));
    child.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      const m = /listening (http:\/\/\S+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout?.removeAllListeners("data");
      child.stdout?.resume();
      resolve({ url: m[1], pid: child.pid as number });
    });
  });
}

/** SIGTERM, wait up to `graceMs`, SIGKILL what is left. */
async function killAll(children: ChildProcess[], graceMs = 2000): Promise<void> {
  const live = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = Promise.all(live.map((c) => new Promise((r) => c.once("exit", r))));
  for (const c of [...live].reverse()) c.kill("SIGTERM");
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise((r) => setTimeout(() => r(true), graceMs)),
  ]);
  if (timedOut) {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/** Only a process that still runs our worker.ts is killed: its pid may have been reused since. */
function isOurWorker(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("demo/rbee/worker.ts");
  } catch {
    return false;
  }
}
