// POST /v1/infer on the hive: route to the least-loaded ready worker, retry on another worker when the chosen
// one fails before its first token, and relay the token stream once it has started.
import { Agent, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { Bugs } from "../lib/bugs.ts";
import { readJsonObject, retryAfter, SSE_HEADERS, sendJson, sseEvent, tryParse } from "../lib/http.ts";
import type { Logger } from "../lib/log.ts";
import { writeBatched } from "../lib/write-batch.ts";
import type { HealthChecks } from "./health-checks.ts";
import type { Registry, WorkerEntry } from "./registry.ts";

const DONE = "event: done";

// First attempts share a keep-alive pool per worker (cheap); retries open a fresh connection.
const pool = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY, maxFreeSockets: 1024 });

export interface ProxyConfig {
  attempts: number;
  connectTimeoutMs: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
}

interface Failure {
  kind: "refused" | "reset" | "timeout" | "status" | "error-event";
  reason: string;
  status?: number;
}

type Outcome =
  | { result: "ok" }
  | { result: "failed-before-first-token"; failure: Failure }
  | { result: "failed-mid-stream"; reason: string }
  | { result: "client-gone" };

export interface ProxyTotals {
  requests: number;
  ok: number;
  failed: number;
  retried: number;
  noWorker: number;
}

export class InferProxy {
  readonly totals: ProxyTotals = { requests: 0, ok: 0, failed: 0, retried: 0, noWorker: 0 };

  constructor(
    private readonly registry: Registry,
    private readonly checks: HealthChecks,
    private readonly config: ProxyConfig,
    private readonly bugs: Bugs,
    private readonly log: Logger,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJsonObject(req);
    const problems: string[] = [];
    if (typeof body.prompt !== "string") problems.push("prompt: expected a string");
    const maxTokens = body.max_tokens ?? 16;
    if (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1) {
      problems.push("max_tokens: expected a positive integer");
    }
    if (problems.length > 0) return sendJson(res, 400, { error: "invalid body", problems });
    this.totals.requests++;
    // `stream: false` (the queen answers JSON) lets the worker send the tokens after the first together.
    const payload = JSON.stringify({
      prompt: body.prompt,
      max_tokens: maxTokens,
      stream: body.stream !== false,
    });
    const attempts = this.bugs.has("no-retry") ? 1 : this.config.attempts;
    const tried = new Set<string>();
    const failures: Failure[] = [];
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const w = this.registry.pick(tried);
      if (!w) break;
      tried.add(w.id);
      w.inflight++;
      const outcome = await this.attempt(w, payload, res, attempt > 1).finally(() => w.inflight--);
      if (outcome.result === "ok") {
        w.served++;
        this.totals.ok++;
        return;
      }
      if (outcome.result === "client-gone") return;
      w.failed++;
      if (outcome.result === "failed-mid-stream") {
        this.totals.failed++;
        this.log.event("stream_failed", { worker: w.id, reason: outcome.reason });
        void this.checks.check(w);
        return;
      }
      const f = outcome.failure;
      failures.push(f);
      if (f.kind === "refused") this.registry.evict(w.id, "connection refused");
      else if (f.kind !== "status") void this.checks.check(w);
      if (attempt < attempts && !res.destroyed) {
        this.totals.retried++;
        this.log.event("request_retried", { worker: w.id, attempt, kind: f.kind, reason: f.reason });
      }
    }
    this.totals.failed++;
    this.answerFailure(res, failures);
  }

  private answerFailure(res: ServerResponse, failures: Failure[]): void {
    const noRetryAfter = this.bugs.has("no-retry-after");
    const last = failures[failures.length - 1];
    if (!last) {
      this.totals.noWorker++;
      const c = this.registry.counts();
      const reason = `no worker is ready (${c.total} registered, ${c.loading} loading)`;
      sendJson(res, 503, { error: "no ready worker", reason }, retryAfter(1, noRetryAfter));
    } else if (failures.every((f) => f.status === 503)) {
      sendJson(res, 503, { error: "capacity", reason: last.reason }, retryAfter(1, noRetryAfter));
    } else if (last.kind === "timeout") {
      sendJson(res, 504, { error: "gateway timeout", reason: last.reason });
    } else sendJson(res, 502, { error: "bad gateway", reason: last.reason });
  }

  private attempt(w: WorkerEntry, payload: string, res: ServerResponse, fresh: boolean): Promise<Outcome> {
    const { connectTimeoutMs, firstTokenTimeoutMs, idleTimeoutMs } = this.config;
    const cancelOnClose = !this.bugs.has("no-cancel");
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      let committed = false;
      let sawDone = false;
      let head = "";
      let tail = "";
      let idle: NodeJS.Timeout | undefined;
      const finish = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(firstTimer);
        clearTimeout(idle);
        res.off("close", onClientClose);
        resolve(o);
      };
      const fail = (kind: Failure["kind"], reason: string, status?: number) => {
        if (settled) return;
        upstream.destroy();
        if (!committed) {
          return finish({ result: "failed-before-first-token", failure: { kind, reason, status } });
        }
        if (!res.writableEnded) res.end(sseEvent("error", { error: "worker failed", reason }));
        finish({ result: "failed-mid-stream", reason });
      };
      const onClientClose = () => {
        if (res.writableFinished || !cancelOnClose) return;
        upstream.destroy();
        finish({ result: "client-gone" });
      };
      res.on("close", onClientClose);
      // A client gone mid-write must not become an unhandled 'error' event.
      res.on("error", () => undefined);

      const upstream = request(`${w.url}/v1/infer`, {
        method: "POST",
        agent: fresh ? false : pool,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      });
      const connectTimer = setTimeout(
        () => fail("timeout", `connect to ${w.id} timed out`),
        connectTimeoutMs,
      );
      const firstTimer = setTimeout(
        () => fail("timeout", `no first token from ${w.id} within ${firstTokenTimeoutMs} ms`),
        firstTokenTimeoutMs,
      );
      upstream.on("socket", (s) => {
        if (s.connecting) s.once("connect", () => clearTimeout(connectTimer));
        else clearTimeout(connectTimer);
      });
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code === "ECONNREFUSED") fail("refused", `${w.id} refused the connection`);
        else fail("reset", `${w.id}: ${err.code ?? err.message}`);
      });
      upstream.on("response", (up) => {
        if (up.statusCode !== 200) {
          let text = "";
          up.setEncoding("utf8");
          up.on("data", (c: string) => {
            if (text.length < 65536) text += c;
          });
          up.on("end", () => {
            const parsed = tryParse(text) as { reason?: string; error?: string } | undefined;
            fail(
              "status",
              parsed?.reason ?? parsed?.error ?? `worker answered ${up.statusCode}`,
              up.statusCode,
            );
          });
          return;
        }
        const armIdle = () => {
          if (idle) idle.refresh();
          else
            idle = setTimeout(() => fail("timeout", `${w.id} silent for ${idleTimeoutMs} ms`), idleTimeoutMs);
        };
        armIdle();
        up.on("data", (chunk: Buffer) => {
          armIdle();
          if (!committed) {
            head += chunk.toString("utf8");
            if (head.includes("event: error"))
              return fail("error-event", `${w.id} sent an error before any token`);
            if (!/(^|\n)data:/.test(head) || !head.includes("\n\n")) return;
            committed = true;
            clearTimeout(firstTimer);
            if (!res.destroyed) {
              res.writeHead(200, { ...SSE_HEADERS, "x-rbee-worker": w.id });
              writeBatched(res, head);
            }
            tail = head.slice(-DONE.length);
            sawDone = head.includes("event: done");
            return;
          }
          // Per token: look for the end in the bytes (with the previous chunk's last bytes, for a split).
          if (!sawDone) {
            sawDone =
              chunk.includes(DONE) || `${tail}${chunk.toString("latin1", 0, DONE.length)}`.includes(DONE);
            tail = chunk.toString("latin1", Math.max(0, chunk.length - DONE.length));
          }
          if (settled || res.writableEnded || res.destroyed) return;
          if (!writeBatched(res, chunk)) {
            up.pause();
            res.once("drain", () => up.resume());
          }
        });
        up.on("end", () => {
          if (settled) return;
          if (!committed) return fail("reset", `${w.id} ended the stream before any token`);
          if (!sawDone) return fail("reset", `${w.id} ended the stream without done`);
          res.end();
          finish({ result: "ok" });
        });
        up.on("error", () => fail("reset", `${w.id} stream broke`));
        up.on("close", () => {
          if (!up.complete) fail("reset", `${w.id} connection closed mid-stream`);
        });
      });
      upstream.end(payload);
    });
  }
}
