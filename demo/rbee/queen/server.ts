// The queen: the public API. Validates, admits (bounded in-flight and queue), reaches the hive with timeouts
// and retries before the first token, and answers a token stream or one JSON body.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Bugs } from "../lib/bugs.ts";
import {
  BodyError,
  readJsonObject,
  retryAfter,
  SSE_HEADERS,
  SseParser,
  sendJson,
  sseEvent,
  tryParse,
} from "../lib/http.ts";
import { listen } from "../lib/listen.ts";
import type { Logger } from "../lib/log.ts";
import { probe } from "../lib/probe.ts";
import { writeBatched } from "../lib/write-batch.ts";
import { Admission } from "./admission.ts";
import { type HiveFailure, type OpenStream, openHiveStream } from "./hive-client.ts";

export interface QueenConfig {
  host: string;
  port: number;
  hiveUrl: string;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  retries: number;
  /** First attempts may reuse a keep-alive pool; off by default so that a pool cannot hide failures. */
  keepAlive: boolean;
  maxInflight: number;
  maxQueue: number;
  queueTimeoutMs: number;
  maxTokens: number;
  healthCheckTimeoutMs: number;
}

export interface QueenHandle {
  url: string;
  stop(): Promise<void>;
}

interface InferenceRequest {
  prompt: string;
  max_tokens: number;
  stream: boolean;
}

const BACKOFF_MS = [50, 100, 100];

export async function startQueen(config: QueenConfig, bugs: Bugs, log: Logger): Promise<QueenHandle> {
  const timeoutsOn = !bugs.has("no-timeouts");
  const noRetryAfter = bugs.has("no-retry-after");
  const admission = new Admission(
    config.maxInflight,
    config.maxQueue,
    config.queueTimeoutMs,
    bugs.has("unbounded-queue"),
  );
  const totals = {
    requests: 0,
    ok: 0,
    failed: 0,
    rejected: 0,
    queueTimeouts: 0,
    retried: 0,
    timeouts: 0,
    clientGone: 0,
    invalid: 0,
  };
  const queueFull = log.sampled("queue_full");
  const hive = { reachable: false, checkedAt: 0, result: "unchecked" as string, latencyMs: 0 };
  let hiveCheck: Promise<void> | undefined;

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyError)
        return sendJson(res, err.status, { error: "bad request", reason: err.message });
      log.event("handler_error", { message: String(err) });
      sendJson(res, 500, { error: "internal error", reason: String(err) });
    });
  });
  // Slow or idle clients must not hold descriptors for ever.
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 65_000;
  server.requestTimeout = 0;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "POST" && path === "/v1/inference") return inference(req, res);
    if (req.method === "GET" && path === "/health") {
      // Health waits for a fresh hive check at most 300 ms, then answers with the last known result.
      await Promise.race([checkHive(), new Promise((r) => setTimeout(r, 300))]);
      return sendJson(res, 200, {
        status: hive.reachable ? "ok" : "degraded",
        service: "queen",
        pid: process.pid,
        hive: hiveView(),
        inflight: admission.inflight,
        queued: admission.depth,
      });
    }
    if (req.method === "GET" && path === "/v1/status") {
      void checkHive();
      return sendJson(res, 200, {
        service: "queen",
        pid: process.pid,
        // The configured bound, enforced or not: a checker compares `peak` with it.
        queue: {
          depth: admission.depth,
          peak: admission.peak,
          max: config.maxQueue,
          timeoutMs: config.queueTimeoutMs,
        },
        inflight: { current: admission.inflight, max: config.maxInflight },
        totals,
        hive: hiveView(),
        bugs: bugs.for("queen"),
      });
    }
    sendJson(res, 404, { error: "not found", reason: `${req.method} ${path}` });
  }

  function hiveView() {
    return {
      url: config.hiveUrl,
      reachable: hive.reachable,
      result: hive.result,
      latencyMs: hive.latencyMs,
      checkedAt: hive.checkedAt ? new Date(hive.checkedAt).toISOString() : null,
    };
  }

  /**
   * At most one check in flight, at most one a second, each bounded by --health-check-timeout-ms (long enough
   * for a slow link: 500 ms of added latency each way is reachable, not down).
   */
  function checkHive(): Promise<void> {
    if (Date.now() - hive.checkedAt < 1000) return Promise.resolve();
    if (!hiveCheck) {
      const started = Date.now();
      hiveCheck = probe(config.hiveUrl, config.healthCheckTimeoutMs).then((result) => {
        hive.reachable = result === "ok";
        hive.result = result;
        hive.latencyMs = Date.now() - started;
        hive.checkedAt = Date.now();
        hiveCheck = undefined;
      });
    }
    return hiveCheck;
  }

  function validate(body: Record<string, unknown>): InferenceRequest | string[] {
    const problems: string[] = [];
    if (typeof body.prompt !== "string" || body.prompt.length === 0) {
      problems.push(`prompt: expected a non-empty string, found ${JSON.stringify(body.prompt ?? null)}`);
    } else if (body.prompt.length > 32_768) problems.push("prompt: expected at most 32768 characters");
    const maxTokens = body.max_tokens ?? 16;
    if (
      typeof maxTokens !== "number" ||
      !Number.isInteger(maxTokens) ||
      maxTokens < 1 ||
      maxTokens > config.maxTokens
    ) {
      problems.push(
        `max_tokens: expected an integer 1..${config.maxTokens}, found ${JSON.stringify(maxTokens)}`,
      );
    }
    const stream = body.stream ?? false;
    if (typeof stream !== "boolean")
      problems.push(`stream: expected true or false, found ${JSON.stringify(stream)}`);
    if (problems.length > 0) return problems;
    return { prompt: body.prompt as string, max_tokens: maxTokens as number, stream: stream as boolean };
  }

  async function inference(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = validate(await readJsonObject(req, 64 * 1024));
    if (Array.isArray(body)) {
      totals.invalid++;
      return sendJson(res, 400, { error: "invalid request", problems: body });
    }
    totals.requests++;
    res.on("error", () => undefined);
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.on("close", onClose);
    const admitted = await admission.acquire(gone.signal);
    if (!admitted.ok) {
      if (admitted.reason === "cancelled") {
        totals.clientGone++;
        return;
      }
      if (admitted.reason === "queue full") {
        totals.rejected++;
        queueFull({ inflight: admission.inflight, queued: admission.depth });
        return sendJson(
          res,
          429,
          { error: "too many requests", reason: "queue full" },
          retryAfter(1, noRetryAfter),
        );
      }
      totals.queueTimeouts++;
      return sendJson(
        res,
        503,
        { error: "overloaded", reason: "queue wait timeout" },
        retryAfter(1, noRetryAfter),
      );
    }
    try {
      await forward(body, res, gone.signal);
    } finally {
      admitted.release();
      res.off("close", onClose);
    }
  }

  async function forward(
    body: InferenceRequest,
    res: ServerResponse,
    clientGone: AbortSignal,
  ): Promise<void> {
    const payload = JSON.stringify({ prompt: body.prompt, max_tokens: body.max_tokens, stream: body.stream });
    const started = Date.now();
    const attempts = bugs.has("no-retry") ? 1 : config.retries + 1;
    // With no-cancel the upstream request ignores the client going away.
    const upstreamSignal = bugs.has("no-cancel") ? new AbortController().signal : clientGone;
    let failure: HiveFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const opened = await openHiveStream(
        config.hiveUrl,
        payload,
        {
          connectTimeoutMs: config.connectTimeoutMs,
          firstByteTimeoutMs: config.firstByteTimeoutMs,
          enabled: timeoutsOn,
        },
        upstreamSignal,
        attempt > 1 || !config.keepAlive,
      );
      if (opened.ok) return relay(opened.stream, body.stream, res, started, clientGone);
      failure = opened.failure;
      if (clientGone.aborted && !bugs.has("no-cancel")) {
        totals.clientGone++;
        return;
      }
      if (!failure.retriable || attempt === attempts) break;
      totals.retried++;
      log.event("request_retried", {
        attempt,
        kind: failure.kind,
        reason: failure.reason,
        status: failure.status,
      });
      const pause = (BACKOFF_MS[attempt - 1] ?? 100) + Math.floor(Math.random() * 25);
      await new Promise((r) => setTimeout(r, pause));
      if (timeoutsOn && Date.now() - started > config.totalTimeoutMs) break;
    }
    totals.failed++;
    const f = failure as HiveFailure;
    log.event("request_failed", {
      kind: f.kind,
      reason: f.reason,
      status: f.status,
      ms: Date.now() - started,
    });
    if (f.kind === "first-byte-timeout" || f.kind === "connect-timeout" || f.status === 504) {
      totals.timeouts++;
      return sendJson(res, 504, { error: "gateway timeout", reason: f.reason });
    }
    if (f.status === 503) {
      const after: Record<string, string> = noRetryAfter ? {} : { "retry-after": f.retryAfter ?? "1" };
      return sendJson(res, 503, { error: "service unavailable", reason: f.reason }, after);
    }
    sendJson(res, 502, { error: "bad gateway", reason: f.reason });
  }

  /** After the first token: relay (stream) or collect (JSON), bounded by the idle and total timeouts. */
  function relay(
    s: OpenStream,
    stream: boolean,
    res: ServerResponse,
    started: number,
    clientGone: AbortSignal,
  ): Promise<void> {
    return new Promise<void>((resolve) => {
      const { upstream, request } = s;
      const parser = new SseParser();
      const tokens: string[] = [];
      let terminal: "done" | "error" | undefined;
      let errorReason = "";
      let settled = false;
      let idle: NodeJS.Timeout | undefined;
      let total: NodeJS.Timeout | undefined;
      const finish = (ok: boolean, reason?: string, timeout = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        clearTimeout(total);
        clientGone.removeEventListener("abort", onGone);
        if (ok) totals.ok++;
        else {
          totals.failed++;
          if (timeout) totals.timeouts++;
          log.event("stream_failed", { reason, worker: s.worker, ms: Date.now() - started, stream });
        }
        if (!ok) request.destroy();
        if (stream) {
          if (!ok && !res.writableEnded && terminal !== "error") {
            res.end(sseEvent("error", { error: "upstream failed", reason }));
          } else if (!res.writableEnded) res.end();
        } else if (ok) {
          sendJson(res, 200, { text: tokens.join(""), tokens: tokens.length, worker: s.worker });
        } else
          sendJson(res, timeout ? 504 : 502, { error: timeout ? "gateway timeout" : "bad gateway", reason });
        resolve();
      };
      const onGone = () => {
        if (bugs.has("no-cancel")) return;
        totals.clientGone++;
        settled = true;
        clearTimeout(idle);
        clearTimeout(total);
        request.destroy();
        resolve();
      };
      clientGone.addEventListener("abort", onGone);
      // One timer per request, refreshed per chunk: cheaper than a new timer for every token.
      const armIdle = () => {
        if (!timeoutsOn) return;
        if (idle) idle.refresh();
        else {
          idle = setTimeout(
            () => finish(false, `no token for ${config.idleTimeoutMs} ms`, true),
            config.idleTimeoutMs,
          );
        }
      };
      if (timeoutsOn) {
        const left = Math.max(1, config.totalTimeoutMs - (Date.now() - started));
        total = setTimeout(() => finish(false, `request exceeded ${config.totalTimeoutMs} ms`, true), left);
      }
      const onMessage = (m: { event: string; data: string }) => {
        if (m.event === "done") terminal = "done";
        else if (m.event === "error") {
          terminal = "error";
          errorReason = (tryParse(m.data) as { reason?: string } | undefined)?.reason ?? "worker failed";
        } else if (!stream) tokens.push((tryParse(m.data) as { token?: string } | undefined)?.token ?? "");
      };
      // Streaming only needs the terminal event, which comes last: keep the last two chunks (an event split
      // across two reads is whole in them) instead of decoding and parsing every token.
      let last: Buffer | undefined;
      let before: Buffer | undefined;
      const takeChunk = (chunk: Buffer) => {
        if (!stream) {
          for (const m of parser.push(chunk.toString("utf8"))) onMessage(m);
          return;
        }
        before = last;
        last = chunk;
      };
      const settleTail = () => {
        if (!stream) return;
        const tail = `${s.head.slice(-2048)}${before?.toString("utf8") ?? ""}${last?.toString("utf8") ?? ""}`;
        const at = tail.lastIndexOf("event: ");
        if (at >= 0) for (const m of new SseParser().push(tail.slice(at))) onMessage(m);
      };
      if (stream && !res.destroyed) {
        res.writeHead(200, { ...SSE_HEADERS, "x-rbee-worker": s.worker });
        writeBatched(res, s.head);
      }
      if (!stream) for (const m of parser.push(s.head)) onMessage(m);
      armIdle();
      upstream.on("data", (chunk: Buffer) => {
        armIdle();
        takeChunk(chunk);
        if (stream && !res.destroyed && !writeBatched(res, chunk)) {
          upstream.pause();
          res.once("drain", () => upstream.resume());
        }
      });
      const onEnd = () => {
        settleTail();
        if (terminal === "done") finish(true);
        else if (terminal === "error") finish(false, errorReason);
        else finish(false, "the hive ended the stream without done");
      };
      upstream.on("end", onEnd);
      upstream.on("close", () => {
        if (upstream.complete) return;
        settleTail();
        finish(false, terminal === "error" ? errorReason : "the hive connection closed mid-stream");
      });
      // A short answer can arrive whole (head, tokens, done, end) in one read: its 'end' was then emitted while
      // the first token was being handed over here, before this listener existed.
      if (upstream.readableEnded) onEnd();
      else upstream.resume();
    });
  }

  const url = await listen(server, {
    host: config.host,
    port: config.port,
    logger: log,
    crashOnEmfile: bugs.has("crash-on-emfile"),
  });
  log.event("queen_started", {
    url,
    pid: process.pid,
    hiveUrl: config.hiveUrl,
    maxInflight: config.maxInflight,
    maxQueue: config.maxQueue,
    bugs: bugs.for("queen"),
  });
  return {
    url,
    async stop() {
      server.close();
      server.closeAllConnections();
      log.event("queen_stopped", { totals });
    },
  };
}
