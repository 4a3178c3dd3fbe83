// The worker: loads a model, registers with the hive, heartbeats, streams tokens as SSE under a VRAM budget,
// and drains on SIGTERM.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Bugs } from "../lib/bugs.ts";
import {
  BodyError,
  readJsonObject,
  retryAfter,
  SSE_HEADERS,
  sendJson,
  sseData,
  sseEvent,
} from "../lib/http.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/log.ts";
import { hiveCall } from "./hive-call.ts";
import { TokenClock } from "./token-clock.ts";
import { tokenAt } from "./tokens.ts";
import { Vram } from "./vram.ts";

export type WorkerState = "loading" | "ready" | "draining";

export interface WorkerConfig {
  host: string;
  port: number;
  hiveUrl: string;
  /** Slot in the hive's --spawn set, so the hive can match this process to its child. */
  slot: number;
  model: string;
  loadMs: number;
  tokenDelayMs: number;
  /** Tokens after the first go out together at most this often: one write, and one wakeup of each hop, per group. */
  streamIntervalMs: number;
  vramMb: number;
  vramPerReqMb: number;
  leakMbPerReq: number;
  graceMs: number;
  heartbeatMs: number;
  maxTokens: number;
}

export interface WorkerHandle {
  url: string;
  server: Server;
  state(): WorkerState;
  /** Drain (finish in-flight streams within the grace period), deregister, close. */
  drain(): Promise<void>;
}

export async function startWorker(config: WorkerConfig, bugs: Bugs, log: Logger): Promise<WorkerHandle> {
  let state: WorkerState = "loading";
  let id: string | undefined;
  const vram = new Vram(config.vramMb);
  const streams = new Set<() => void>();
  const held: Buffer[] = [];
  let heldMb = 0;
  const vramFull = log.sampled("vram_exhausted");
  const clock = new TokenClock(config.tokenDelayMs);

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyError) sendJson(res, err.status, { error: "bad request", reason: err.message });
      else {
        log.event("handler_error", { message: String(err) });
        sendJson(res, 500, { error: "internal error", reason: String(err) });
      }
    });
  });
  server.keepAliveTimeout = 65_000;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      sendJson(res, 200, {
        status: state === "ready" ? "ok" : state,
        state,
        id: id ?? null,
        pid: process.pid,
        model: config.model,
        inflight: streams.size,
        vram: vram.snapshot(),
        heldMb,
      });
    } else if (req.method === "POST" && path === "/v1/infer") await infer(req, res);
    else if (path === "/v1/debug/vram" && req.method === "POST") {
      const mb = await mbOf(req, res);
      if (mb === undefined) return;
      vram.occupy(mb);
      log.event("vram_occupied", { mb, usedMb: vram.usedMb });
      sendJson(res, 200, vram.snapshot());
    } else if (path === "/v1/debug/vram" && req.method === "DELETE") {
      vram.freeOccupied();
      log.event("vram_freed", { usedMb: vram.usedMb });
      sendJson(res, 200, vram.snapshot());
    } else if (path === "/v1/debug/alloc" && req.method === "POST") {
      const mb = await mbOf(req, res);
      if (mb === undefined) return;
      hold(mb);
      log.event("memory_allocated", { mb, heldMb });
      sendJson(res, 200, { heldMb, rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) });
    } else if (path === "/v1/debug/alloc" && req.method === "DELETE") {
      held.length = 0;
      heldMb = 0;
      sendJson(res, 200, { heldMb });
    } else sendJson(res, 404, { error: "not found", reason: `${req.method} ${path}` });
  }

  async function mbOf(req: IncomingMessage, res: ServerResponse): Promise<number | undefined> {
    const body = await readJsonObject(req);
    const mb = body.mb;
    if (typeof mb !== "number" || !Number.isInteger(mb) || mb < 0 || mb > 1 << 20) {
      sendJson(res, 400, { error: "invalid body", problems: ["mb: expected an integer 0..1048576"] });
      return undefined;
    }
    return mb;
  }

  /** Real, touched memory (filled, so the pages are resident and a cgroup limit sees them). */
  function hold(mb: number): void {
    for (let i = 0; i < mb; i++) held.push(Buffer.alloc(1 << 20, 1));
    heldMb += mb;
  }

  async function infer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req);
    const problems: string[] = [];
    if (typeof body.prompt !== "string") problems.push("prompt: expected a string");
    const maxTokens = body.max_tokens ?? 16;
    if (
      typeof maxTokens !== "number" ||
      !Number.isInteger(maxTokens) ||
      maxTokens < 1 ||
      maxTokens > config.maxTokens
    ) {
      problems.push(`max_tokens: expected an integer 1..${config.maxTokens}`);
    }
    if (problems.length > 0) return sendJson(res, 400, { error: "invalid body", problems });
    if (state !== "ready") {
      return sendJson(
        res,
        503,
        { error: "not ready", reason: state },
        retryAfter(1, bugs.has("no-retry-after")),
      );
    }
    if (!vram.tryReserve(config.vramPerReqMb)) {
      vramFull({ usedMb: vram.usedMb, budgetMb: vram.budgetMb });
      return sendJson(
        res,
        503,
        { error: "capacity", reason: "vram exhausted" },
        retryAfter(1, bugs.has("no-retry-after")),
      );
    }
    if (config.leakMbPerReq > 0) hold(config.leakMbPerReq);
    // Tokens after the first go out in groups of --stream-interval-ms; a JSON answer (`stream: false`) has no
    // reader of single tokens, so its groups are a second long (well inside every idle timeout).
    const delay = Math.max(1, config.tokenDelayMs);
    const perWrite = Math.max(
      1,
      Math.round(config.streamIntervalMs / delay),
      body.stream === false ? Math.floor(1000 / delay) : 1,
    );
    stream(res, body.prompt as string, maxTokens as number, perWrite);
  }

  function stream(res: ServerResponse, prompt: string, maxTokens: number, perWrite: number): void {
    res.writeHead(200, { ...SSE_HEADERS, "x-rbee-worker": id ?? "unregistered" });
    let index = 0;
    let pending = "";
    const stallAt = bugs.has("stall-stream") ? Math.max(1, Math.floor(maxTokens / 2)) : -1;
    let stalledUntil = 0;
    const finish = () => {
      if (!streams.delete(finish)) return;
      leave();
      vram.release(config.vramPerReqMb, bugs.has("vram-leak"));
    };
    streams.add(finish);
    // Time to first token: one to two token delays, like a short prefill.
    const leave = clock.add(() => {
      if (res.destroyed) return finish();
      // stall-stream: half the tokens, then 3 s of silence on the open stream (under the 5 s idle timeouts)
      if (index === stallAt) {
        if (!stalledUntil && pending) {
          // The tokens before the stall go out first: the silence is the stall's alone.
          res.write(pending);
          pending = "";
        }
        stalledUntil ||= Date.now() + 3000;
        if (Date.now() < stalledUntil) return;
      }
      const token = sseData({ token: tokenAt(prompt, index), index });
      index++;
      if (index >= maxTokens) {
        // The last token and the end in one write.
        res.end(pending + token + sseEvent("done", { tokens: index, worker: id ?? null }));
        finish();
      } else if (index === 1 || (index - 1) % perWrite === 0) {
        res.write(pending + token);
        pending = "";
      } else pending += token;
    });
    res.on("close", finish);
  }

  // Registration and heartbeats. A hive that does not know us (it evicted us, or restarted) gets a fresh
  // registration and gives us a new id: an evicted id is never reused.
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> {
    const text = await hiveCall(`${config.hiveUrl}${path}`, method, body);
    return { status: text.status, json: text.body ? JSON.parse(text.body) : null };
  }

  let beatTimer: NodeJS.Timeout | undefined;
  let lastBeatError = "";
  // One beat at a time: two concurrent first beats would register twice.
  let beating: Promise<void> = Promise.resolve();
  const beat = (): Promise<void> => {
    beating = beating.then(beatOnce);
    return beating;
  };
  async function beatOnce(): Promise<void> {
    if (!config.hiveUrl) return;
    try {
      const report = {
        url,
        pid: process.pid,
        state,
        inflight: streams.size,
        slot: config.slot,
        model: config.model,
      };
      if (id === undefined) {
        const r = await call("POST", "/v1/workers", report);
        if (r.status !== 200) throw new Error(`registration answered ${r.status}`);
        id = (r.json as { id: string }).id;
        log.extend({ id });
        log.event("worker_registered", { hive: config.hiveUrl, state });
      } else {
        const r = await call("POST", `/v1/workers/${id}/heartbeat`, report);
        if (r.status === 404) {
          log.event("worker_unknown_to_hive", { previousId: id });
          id = undefined;
          return beatOnce();
        }
      }
      lastBeatError = "";
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (message !== lastBeatError) log.event("heartbeat_failed", { message });
      lastBeatError = message;
    }
  }
  const schedule = () => {
    beatTimer = setTimeout(
      () => beat().finally(() => state !== "draining" && schedule()),
      config.heartbeatMs,
    );
    beatTimer.unref();
  };

  const url = await listen(server, {
    host: config.host,
    port: config.port,
    logger: log,
    crashOnEmfile: bugs.has("crash-on-emfile"),
  });
  log.event("worker_started", { url, pid: process.pid, loadMs: config.loadMs, bugs: bugs.for("worker") });
  void beat().then(schedule);
  setTimeout(() => {
    if (state !== "loading") return;
    state = "ready";
    log.event("model_loaded", { model: config.model });
    void beat();
  }, config.loadMs).unref();

  async function drain(): Promise<void> {
    if (state === "draining") return;
    const inflight = streams.size;
    state = "draining";
    clearTimeout(beatTimer);
    log.event("draining", { inflight, graceMs: config.graceMs });
    server.close();
    await beat();
    const deadline = Date.now() + config.graceMs;
    while (streams.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    const cut = streams.size;
    if (id !== undefined && config.hiveUrl) await call("DELETE", `/v1/workers/${id}`).catch(() => undefined);
    log.event("worker_stopped", { finished: inflight - cut, cut });
    server.closeAllConnections();
  }

  return { url, server, state: () => state, drain };
}
