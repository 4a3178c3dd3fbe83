// The HTTP API on node:http: routing (exact paths, 301 / 404 / 405 as gorilla/mux, the browser 403, request ids),
// the handlers, the 25 s handler timeout and the access log. Handlers run one at a time, so that concurrent
// requests see each other's effects in order.
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import { ApiError } from "./api-error.ts";
import type { ProxyCollection } from "./collection.ts";
import { silentLogger, type ToxiproxyLogger } from "./log.ts";
import { CONTENT_TYPE as METRICS_CONTENT_TYPE, type MetricsRegistry } from "./metrics.ts";
import { requestId } from "./request-id.ts";
import { requestPath } from "./request-path.ts";
import {
  parseDirection,
  parsePopulateBody,
  parseProxyBody,
  parseToxicCreate,
  parseToxicUpdate,
} from "./requests.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";
import type { ToxicRegistry } from "./toxics/registry.ts";
import { httpDate } from "./utc-text.ts";
import {
  errorBody,
  populateJson,
  proxyJson,
  proxyMapJson,
  toxicJson,
  toxicListJson,
  versionBody,
} from "./wire.ts";

/** Deviation from upstream (which has no limit): bodies over 10 MiB are answered 413 once fully received. */
const MAX_BODY = 10 * 1024 * 1024;
/** Upstream wraps every handler in http.TimeoutHandler(…, 25 s, ""). */
export const HANDLER_TIMEOUT_MS = 25_000;
/** What Go's TimeoutHandler answers when given an empty message. */
const TIMEOUT_BODY = "<html><head><title>Timeout</title></head><body><h1>Timeout</h1></body></html>";

interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

type Handler = (params: string[], body: Buffer) => Promise<Reply> | Reply;

interface Route {
  /** Path segments; ":" stands for one non-empty parameter segment. */
  path: string[];
  /** By method: upstream's route name (for the access log) and the handler. "*" takes any method. */
  methods: Record<string, [string, Handler]>;
}

export interface ApiContext {
  proxies: ProxyCollection;
  registry: ToxicRegistry;
  version: string;
  metrics?: MetricsRegistry;
  logger?: ToxiproxyLogger;
  /** Upstream's 25 s; shorter in tests. */
  handlerTimeoutMs?: number;
}

const json = (status: number, body: string): Reply => ({ status, body, contentType: "application/json" });

export function apiRoutes(ctx: ApiContext): Route[] {
  const { proxies, registry } = ctx;
  const routes: Route[] = [
    {
      path: ["reset"],
      methods: {
        POST: [
          "ResetState",
          async () => {
            await proxies.reset();
            return { status: 204 };
          },
        ],
      },
    },
    {
      path: ["proxies"],
      methods: {
        GET: ["ProxyIndex", () => json(200, proxyMapJson(proxies.list().map(view)))],
        POST: [
          "ProxyCreate",
          async (_p, body) => json(201, proxyJson(view(await proxies.create(parseProxyBody(body))))),
        ],
      },
    },
    {
      path: ["populate"],
      methods: {
        POST: [
          "Populate",
          async (_p, body) => {
            let items: ReturnType<typeof parsePopulateBody>;
            try {
              items = parsePopulateBody(body);
            } catch (error) {
              const e = error as ApiError;
              return json(e.status, populateJson([], { message: e.wireMessage, status: e.status }));
            }
            const { proxies: done, error } = await proxies.populate(items);
            if (error) {
              const e = { message: error.wireMessage, status: error.status };
              return json(error.status, populateJson(done.map(view), e));
            }
            return json(201, populateJson(done.map(view)));
          },
        ],
      },
    },
    {
      path: ["proxies", ":"],
      methods: {
        GET: ["ProxyShow", ([name]) => json(200, proxyJson(view(proxies.get(name))))],
        POST: ["ProxyUpdate", updateProxy],
        PATCH: ["ProxyUpdate", updateProxy],
        DELETE: [
          "ProxyDelete",
          ([name]) => {
            proxies.remove(name);
            return { status: 204 };
          },
        ],
      },
    },
    {
      path: ["proxies", ":", "toxics"],
      methods: {
        GET: ["ToxicIndex", ([name]) => json(200, toxicListJson(proxies.get(name).toxics.list()))],
        POST: [
          "ToxicCreate",
          ([name], body) => {
            const proxy = proxies.get(name);
            const input = parseToxicCreate(body, registry);
            if (proxy.toxics.has(input.name)) throw new ApiError(409, "toxic already exists");
            const attributes = input.attributes();
            const toxic: ToxicDefinition = {
              name: input.name,
              type: input.type,
              direction: parseDirection(input.stream),
              stream: input.stream,
              toxicity: input.toxicity,
              attributes: attributes.values,
              exact: attributes.exact,
              kind: input.kind,
            };
            proxy.toxics.add(toxic);
            return json(200, toxicJson(toxic));
          },
        ],
      },
    },
    {
      path: ["proxies", ":", "toxics", ":"],
      methods: {
        GET: ["ToxicShow", ([name, toxic]) => json(200, toxicJson(proxies.get(name).toxics.get(toxic)))],
        POST: ["ToxicUpdate", updateToxic],
        PATCH: ["ToxicUpdate", updateToxic],
        DELETE: [
          "ToxicDelete",
          ([name, toxic]) => {
            proxies.get(name).toxics.remove(toxic);
            return { status: 204 };
          },
        ],
      },
    },
    {
      path: ["version"],
      methods: {
        GET: [
          "Version",
          () => ({
            status: 200,
            body: versionBody(ctx.version),
            contentType: "application/json;charset=utf-8",
          }),
        ],
      },
    },
  ];
  // Upstream registers /metrics only when a metrics flag is on, for every method.
  const metrics = ctx.metrics;
  if (metrics?.enabled) {
    routes.push({
      path: ["metrics"],
      methods: {
        "*": ["Metrics", () => ({ status: 200, body: metrics.render(), contentType: METRICS_CONTENT_TYPE })],
      },
    });
  }
  return routes;

  async function updateProxy([name]: string[], body: Buffer): Promise<Reply> {
    proxies.get(name);
    return json(200, proxyJson(view(await proxies.update(name, parseProxyBody(body)))));
  }

  function updateToxic([name, toxicName]: string[], body: Buffer): Reply {
    const proxy = proxies.get(name);
    const current = proxy.toxics.get(toxicName);
    const update = parseToxicUpdate(body, current.kind, { values: current.attributes, exact: current.exact });
    const next: ToxicDefinition = {
      ...current,
      toxicity: update.toxicity ?? current.toxicity,
      attributes: update.attributes.values,
      exact: update.attributes.exact,
    };
    proxy.toxics.replace(next);
    return json(200, toxicJson(next));
  }
}

function view(p: {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: { list(): ToxicDefinition[] };
}) {
  return {
    name: p.name,
    listen: p.listen,
    upstream: p.upstream,
    enabled: p.enabled,
    toxics: p.toxics.list(),
  };
}

function match(routes: Route[], path: string): { route: Route; params: string[] } | undefined {
  const segments = path.split("/").slice(1);
  for (const route of routes) {
    if (route.path.length !== segments.length) continue;
    const params: string[] = [];
    let ok = true;
    for (const [i, part] of route.path.entries()) {
      if (part === ":") {
        if (segments[i] === "") ok = false;
        else params.push(segments[i]);
      } else if (part !== segments[i]) ok = false;
    }
    if (ok) return { route, params };
  }
  return undefined;
}

/** What the router answers before any handler runs: 301, 400, 404 or 405, or the route and handler. */
export type Routed =
  | { kind: "raw"; status: number; headers: Record<string, string>; body: string }
  | { kind: "handler"; name: string; handler: Handler; params: string[] };

const NOT_FOUND = {
  kind: "raw",
  status: 404,
  headers: { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff" },
  body: "404 page not found\n",
} as const;

export function route(routes: Route[], method: string, target: string): Routed {
  const p = requestPath(target);
  if (p.kind === "bad-request") {
    // Go's request parser refuses the request line before any handler: its fixed text, then it closes.
    return {
      kind: "raw",
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", Connection: "close" },
      body: "400 Bad Request",
    };
  }
  if (p.kind === "redirect") return { kind: "raw", status: 301, headers: { Location: p.location }, body: "" };
  if (!p.path.startsWith("/")) return { ...NOT_FOUND };
  const found = match(routes, p.path);
  if (found === undefined) return { ...NOT_FOUND };
  const entry = found.route.methods[method] ?? found.route.methods["*"];
  if (entry === undefined) return { kind: "raw", status: 405, headers: {}, body: "" };
  return { kind: "handler", name: entry[0], handler: entry[1], params: found.params };
}

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): number {
  if (res.headersSent || res.destroyed) return 0;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (reply.contentType) res.setHeader("Content-Type", reply.contentType);
  // Node's own Date header makes a Date object (see utc-text.ts); the same text, in the same place.
  res.sendDate = false;
  if (reply.status === 204) {
    res.setHeader("Date", httpDate());
    res.writeHead(204);
    res.end();
    return 0;
  }
  const body = Buffer.from(reply.body ?? "");
  res.setHeader("Content-Length", body.length);
  res.setHeader("Date", httpDate());
  res.writeHead(reply.status);
  res.end(body);
  return body.length;
}

function textReply(status: number, text: string): Reply {
  return { status, body: text, contentType: "text/plain; charset=utf-8" };
}

/** The body, or undefined when it was over MAX_BODY (read to the end anyway, so that the client gets the 413). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size <= MAX_BODY) parts.push(b);
      else parts.length = 0;
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(parts)));
    req.on("error", reject);
    req.on("close", () => reject(new Error("request aborted")));
  });
}

/** "ip:port" as Go's RemoteAddr prints it. */
function remoteAddr(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? "";
  return a.includes(":") ? `[${a}]:${req.socket.remotePort}` : `${a}:${req.socket.remotePort}`;
}

/** A whole HTTP/1.1 response as bytes, for sockets whose request node:http could not parse; it closes them. */
function rawResponse(status: number, headers: Record<string, string>, body: string): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`];
  for (const [k, v] of Object.entries({ ...headers, "Content-Length": String(Buffer.byteLength(body)) }))
    lines.push(`${k}: ${v}`);
  lines.push("Connection: close");
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

export interface ApiHandler {
  /** node:http's "request" listener. */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /**
   * The answer to a request node:http does not route itself (a method its parser does not know, such as FOO,
   * or CONNECT): Go routes any method, so it gets the router's 301 / 404 / 405 (or /metrics), then the socket
   * closes.
   */
  answerRaw(method: string, target: string): Promise<string>;
}

/** The Toxiproxy API over `ctx`, for node:http. */
export function apiHandler(ctx: ApiContext): ApiHandler {
  const routes = apiRoutes(ctx);
  const logger = ctx.logger ?? silentLogger;
  const timeoutMs = ctx.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS;
  let queue: Promise<unknown> = Promise.resolve();
  const answerRaw = async (method: string, target: string): Promise<string> => {
    const routed = route(routes, method, target);
    if (routed.kind === "raw") return rawResponse(routed.status, routed.headers, routed.body);
    try {
      const reply = await routed.handler(routed.params, Buffer.alloc(0));
      const headers: Record<string, string> = reply.contentType ? { "Content-Type": reply.contentType } : {};
      return rawResponse(reply.status, headers, reply.body ?? "");
    } catch {
      return rawResponse(400, { "Content-Type": "text/plain; charset=utf-8" }, "400 Bad Request");
    }
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const routed = route(routes, req.method ?? "", req.url ?? "/");
    if (routed.kind === "raw") {
      req.resume();
      send(res, { status: routed.status, body: routed.body }, routed.headers);
      return;
    }
    const started = performance.now();
    const id = requestId();
    const headers = { "X-Toxiproxy-Request-Id": id };
    let answered = false;
    const finish = (reply: Reply, extra: Record<string, string> = {}): void => {
      if (answered) return;
      answered = true;
      const size = send(res, reply, { ...headers, ...extra });
      if (!logger.enabled("debug")) return;
      logger.log("debug", {
        request_id: id,
        client: remoteAddr(req),
        method: req.method ?? "",
        url: req.url ?? "",
        user_agent: req.headers["user-agent"] ?? "",
        status: reply.status,
        size,
        duration: performance.now() - started,
        handler: routed.name,
      });
    };
    if ((req.headers["user-agent"] ?? "").startsWith("Mozilla/")) {
      req.resume();
      finish(textReply(403, "User agent not allowed\n"), { "X-Content-Type-Options": "nosniff" });
      return;
    }
    // Go's TimeoutHandler: past the deadline the client gets 503 and whatever the handler does later is dropped.
    const timer = setTimeout(
      () => finish({ status: 503, body: TIMEOUT_BODY, contentType: "text/html; charset=utf-8" }),
      timeoutMs,
    );
    const run = async (body: Buffer | undefined): Promise<void> => {
      let reply: Reply;
      try {
        if (body === undefined) throw new ApiError(413, "request body too large");
        reply = await routed.handler(routed.params, body);
      } catch (error) {
        const e = error instanceof ApiError ? error : new ApiError(500, (error as Error).message);
        reply = textReply(e.status, errorBody(e.wireMessage, e.status));
        clearTimeout(timer);
        finish(reply, { "X-Content-Type-Options": "nosniff" });
        return;
      }
      clearTimeout(timer);
      finish(reply);
    };
    readBody(req).then(
      (body) => {
        queue = queue.then(() => run(body));
      },
      () => clearTimeout(timer),
    );
  };
  return { onRequest, answerRaw };
}
