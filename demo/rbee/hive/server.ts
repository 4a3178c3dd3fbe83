// The hive: worker registry and eviction, routing of inference to workers, the model cache, and (with
// --spawn N) a supervisor that owns its workers.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Bugs } from "../lib/bugs.ts";
import { BodyError, readJsonObject, sendJson } from "../lib/http.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/log.ts";
import { ModelCache } from "./cache.ts";
import { type HealthCheckConfig, HealthChecks } from "./health-checks.ts";
import { InferProxy, type ProxyConfig } from "./proxy.ts";
import { type Registration, Registry, type WorkerEntry } from "./registry.ts";
import { Supervisor } from "./supervisor.ts";

export interface HiveConfig extends HealthCheckConfig, ProxyConfig {
  host: string;
  port: number;
  spawn: number;
  workerBasePort: number;
  workerGraceMs: number;
  cacheDir: string;
  logDir: string;
  bugNames: readonly string[];
}

export interface HiveHandle {
  url: string;
  stop(): Promise<void>;
}

const STATES = new Set(["loading", "ready", "draining"]);

export async function startHive(config: HiveConfig, bugs: Bugs, log: Logger): Promise<HiveHandle> {
  const registry = new Registry(log, !bugs.has("no-eviction"));
  const checks = new HealthChecks(registry, config);
  const proxy = new InferProxy(registry, checks, config, bugs, log);
  const cache = new ModelCache(config.cacheDir, bugs, log);
  await cache.init();

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyError)
        return sendJson(res, err.status, { error: "bad request", reason: err.message });
      log.event("handler_error", { message: String(err) });
      sendJson(res, 500, { error: "internal error", reason: String(err) });
    });
  });

  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    const parts = path.split("/").filter(Boolean);
    const m = req.method;
    if (m === "POST" && path === "/v1/infer") return proxy.handle(req, res);
    if (m === "GET" && path === "/health") return health(res);
    if (m === "GET" && path === "/v1/workers") {
      return sendJson(res, 200, { workers: registry.list().map(view), eviction: !bugs.has("no-eviction") });
    }
    if (m === "POST" && path === "/v1/workers") {
      const r = registration(await readJsonObject(req));
      if (typeof r === "string") return sendJson(res, 400, { error: "invalid registration", problems: [r] });
      return sendJson(res, 200, { id: registry.register(r).id });
    }
    if (parts[0] === "v1" && parts[1] === "workers" && parts.length >= 3) {
      const id = decodeURIComponent(parts[2]);
      if (m === "POST" && parts[3] === "heartbeat" && parts.length === 4) {
        const r = registration(await readJsonObject(req));
        if (typeof r === "string") return sendJson(res, 400, { error: "invalid heartbeat", problems: [r] });
        return registry.heartbeat(id, r)
          ? sendJson(res, 200, { id })
          : sendJson(res, 404, { error: "unknown worker", id });
      }
      if (m === "DELETE" && parts.length === 3) {
        return registry.deregister(id)
          ? sendJson(res, 200, { id })
          : sendJson(res, 404, { error: "unknown worker", id });
      }
    }
    if (m === "GET" && path === "/v1/models") return cache.list(res);
    if (parts[0] === "v1" && parts[1] === "models" && parts.length === 3) {
      const name = decodeURIComponent(parts[2]);
      if (m === "POST" || m === "PUT") return cache.write(name, req, res);
      if (m === "DELETE") return cache.remove(name, res);
    }
    sendJson(res, 404, { error: "not found", reason: `${m} ${path}` });
  }

  function health(res: ServerResponse): void {
    const workers = registry.counts();
    const c = cache.snapshot();
    const status = workers.ready > 0 && c.state === "ok" ? "ok" : "degraded";
    sendJson(res, 200, {
      status,
      service: "hive",
      pid: process.pid,
      workers,
      cache: c,
      totals: proxy.totals,
      bugs: bugs.for("hive"),
    });
  }

  const url = await listen(server, {
    host: config.host,
    port: config.port,
    logger: log,
    crashOnEmfile: bugs.has("crash-on-emfile"),
  });
  log.event("hive_started", {
    url,
    pid: process.pid,
    spawn: config.spawn,
    cacheDir: config.cacheDir,
    bugs: bugs.for("hive"),
  });
  checks.start();
  const supervisor = new Supervisor(
    {
      count: config.spawn,
      basePort: config.workerBasePort,
      host: config.host,
      hiveUrl: url,
      logDir: config.logDir,
      bugs: config.bugNames,
      graceMs: config.workerGraceMs,
    },
    registry,
    log,
  );
  supervisor.start();

  return {
    url,
    async stop() {
      checks.stop();
      server.close();
      await supervisor.stop();
      server.closeAllConnections();
      log.event("hive_stopped");
    },
  };
}

function view(w: WorkerEntry) {
  return {
    id: w.id,
    url: w.url,
    pid: w.pid,
    state: w.state,
    inflight: w.inflight,
    slot: w.slot,
    lastHeartbeat: new Date(w.lastHeartbeat).toISOString(),
    registeredAt: new Date(w.registeredAt).toISOString(),
    served: w.served,
    failed: w.failed,
  };
}

/** A registration or heartbeat body, or the problem with it. */
function registration(body: Record<string, unknown>): Registration | string {
  const { url, pid, state, slot, inflight } = body;
  if (typeof url !== "string" || !/^http:\/\//.test(url)) return "url: expected an http:// URL";
  if (typeof pid !== "number") return "pid: expected a number";
  if (typeof state !== "string" || !STATES.has(state)) return "state: expected loading, ready or draining";
  return {
    url,
    pid,
    state: state as Registration["state"],
    slot: typeof slot === "number" ? slot : -1,
    inflight: typeof inflight === "number" ? inflight : 0,
  };
}
