// The HTTP API on node:http: routing (exact paths, 404 / 405 as gorilla/mux), the browser block, the request id,
// and the handlers. Handlers run one at a time, so that concurrent requests see each other's effects in order.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./api-error.ts";
import type { ProxyCollection } from "./collection.ts";
import { requestId } from "./request-id.ts";
import {
  parseDirection,
  parsePopulateBody,
  parseProxyBody,
  parseToxicCreate,
  parseToxicUpdate,
} from "./requests.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";
import type { ToxicRegistry } from "./toxics/registry.ts";
import { errorBody, proxyJson, proxyMapJson, toxicJson, versionBody } from "./wire.ts";

const MAX_BODY = 10 * 1024 * 1024;

interface Reply {
  status: number;
  body?: string;
  contentType?: string;
}

type Handler = (params: string[], body: string) => Promise<Reply> | Reply;

interface Route {
  /** Path segments; ":" stands for one non-empty parameter segment. */
  path: string[];
  methods: Record<string, Handler>;
}

export interface ApiContext {
  proxies: ProxyCollection;
  registry: ToxicRegistry;
  version: string;
}

const json = (status: number, value: unknown): Reply => ({
  status,
  body: JSON.stringify(value),
  contentType: "application/json",
});

export function apiRoutes(ctx: ApiContext): Route[] {
  const { proxies, registry } = ctx;
  return [
    {
      path: ["version"],
      methods: {
        GET: () => ({
          status: 200,
          body: versionBody(ctx.version),
          contentType: "application/json;charset=utf-8",
        }),
      },
    },
    {
      path: ["proxies"],
      methods: {
        GET: () => json(200, proxyMapJson(proxies.list().map(view))),
        POST: async (_p, body) => json(201, proxyJson(view(await proxies.create(parseProxyBody(body))))),
      },
    },
    {
      path: ["populate"],
      methods: {
        POST: async (_p, body) => {
          let items: ReturnType<typeof parsePopulateBody>;
          try {
            items = parsePopulateBody(body);
          } catch (error) {
            const e = error as ApiError;
            return json(e.status, { error: e.wireMessage, status: e.status, proxies: null });
          }
          const { proxies: done, error } = await proxies.populate(items);
          const list = done.length > 0 ? done.map((p) => proxyJson(view(p))) : null;
          if (error)
            return json(error.status, { error: error.wireMessage, status: error.status, proxies: list });
          return json(201, { proxies: list });
        },
      },
    },
    {
      path: ["reset"],
      methods: {
        POST: async () => {
          await proxies.reset();
          return { status: 204 };
        },
      },
    },
    {
      path: ["proxies", ":"],
      methods: {
        GET: ([name]) => json(200, proxyJson(view(proxies.get(name)))),
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: ([name]) => {
          proxies.remove(name);
          return { status: 204 };
        },
      },
    },
    {
      path: ["proxies", ":", "toxics"],
      methods: {
        GET: ([name]) => json(200, proxies.get(name).toxics.list().map(toxicJson)),
        POST: ([name], body) => {
          const proxy = proxies.get(name);
          const input = parseToxicCreate(body, registry);
          if (proxy.toxics.has(input.name)) throw new ApiError(409, "toxic already exists");
          const toxic: ToxicDefinition = {
            name: input.name,
            type: input.type,
            direction: parseDirection(input.stream),
            stream: input.stream,
            toxicity: input.toxicity,
            attributes: input.attributes(),
            kind: input.kind,
          };
          proxy.toxics.add(toxic);
          return json(200, toxicJson(toxic));
        },
      },
    },
    {
      path: ["proxies", ":", "toxics", ":"],
      methods: {
        GET: ([name, toxic]) => json(200, toxicJson(proxies.get(name).toxics.get(toxic))),
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: ([name, toxic]) => {
          proxies.get(name).toxics.remove(toxic);
          return { status: 204 };
        },
      },
    },
  ];

  async function updateProxy([name]: string[], body: string): Promise<Reply> {
    proxies.get(name);
    return json(200, proxyJson(view(await proxies.update(name, parseProxyBody(body)))));
  }

  function updateToxic([name, toxicName]: string[], body: string): Reply {
    const proxy = proxies.get(name);
    const current = proxy.toxics.get(toxicName);
    const update = parseToxicUpdate(body, current.kind, current.attributes);
    const next: ToxicDefinition = {
      ...current,
      toxicity: update.toxicity ?? current.toxicity,
      attributes: update.attributes,
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

function match(routes: Route[], segments: string[]): { route: Route; params: string[] } | undefined {
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

function send(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (reply.contentType) res.setHeader("Content-Type", reply.contentType);
  if (reply.status === 204) {
    res.writeHead(204);
    res.end();
    return;
  }
  const body = Buffer.from(reply.body ?? "");
  res.setHeader("Content-Length", body.length);
  res.writeHead(reply.status);
  res.end(body);
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  send(
    res,
    { status, body: text, contentType: "text/plain; charset=utf-8" },
    {
      ...headers,
      "X-Content-Type-Options": "nosniff",
    },
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on("data", (b: Buffer) => {
      size += b.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, "request body too large"));
        req.destroy();
        return;
      }
      parts.push(b);
    });
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
    req.on("close", () => reject(new Error("request aborted")));
  });
}

/** A request listener for node:http serving the Toxiproxy API over `ctx`. */
export function apiHandler(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = apiRoutes(ctx);
  let queue: Promise<unknown> = Promise.resolve();
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    let segments: string[];
    try {
      segments = decodeURIComponent(path).split("/").slice(1);
    } catch {
      segments = [];
    }
    const found = path.startsWith("/") ? match(routes, segments) : undefined;
    if (found === undefined) {
      req.resume();
      sendText(res, 404, "404 page not found\n");
      return;
    }
    const handler = found.route.methods[req.method ?? ""];
    if (handler === undefined) {
      req.resume();
      send(res, { status: 405 });
      return;
    }
    const id = { "X-Toxiproxy-Request-Id": requestId() };
    if ((req.headers["user-agent"] ?? "").startsWith("Mozilla/")) {
      req.resume();
      sendText(res, 403, "User agent not allowed\n", id);
      return;
    }
    const run = async (body: string): Promise<void> => {
      try {
        send(res, await handler(found.params, body), id);
      } catch (error) {
        const e = error instanceof ApiError ? error : new ApiError(500, (error as Error).message);
        sendText(res, e.status, errorBody(e.wireMessage, e.status), id);
      }
    };
    readBody(req).then(
      (body) => {
        queue = queue.then(() => run(body));
      },
      (error: unknown) => {
        if (error instanceof ApiError && !res.headersSent)
          sendText(res, error.status, errorBody(error.wireMessage, error.status), id);
      },
    );
  };
}
