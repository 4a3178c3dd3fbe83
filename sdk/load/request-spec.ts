// What each virtual user or arrival sends. The default is a bare GET of the target; inside a scenario, a plan
// without a request of its own sends the system's traffic request (see sdk/runner/run-load.ts).
import type { Problem } from "../core/errors.ts";

/** A request as a plan states it; `url` may be absolute or a path resolved against the plan's target. */
export interface RequestSpec {
  method?: string;
  url?: string;
  headers?: Record<string, string>;
  /** A string, bytes, or a value sent as JSON (with content-type application/json unless set). */
  body?: string | Uint8Array | Record<string, unknown> | unknown[];
}

/** The request after resolution against a base URL: what engines send. */
export interface ResolvedRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  /** scheme://host:port */
  origin: string;
  /** Path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** A bare GET of the target: a plan states its own request, or a scenario gives it the system's. */
export const DEFAULT_REQUEST: Readonly<RequestSpec> = Object.freeze({ method: "GET", url: "/" });

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Every problem with a request spec and the base URL it will be resolved against. */
export function requestProblems(spec: RequestSpec, base: string | undefined, prefix = "request"): Problem[] {
  const problems: Problem[] = [];
  if (spec.method !== undefined && (typeof spec.method !== "string" || !TOKEN.test(spec.method))) {
    problems.push({
      path: `${prefix}.method`,
      message: `expected an HTTP method such as "GET", found ${JSON.stringify(spec.method)}`,
    });
  }
  if (base !== undefined && !isHttpUrl(base)) {
    problems.push({
      path: "target",
      message: `expected an http:// or https:// URL, found ${JSON.stringify(base)}`,
    });
  }
  const url = spec.url ?? "/";
  if (typeof url !== "string") {
    problems.push({ path: `${prefix}.url`, message: `expected a URL or a path, found ${typeof url}` });
  } else if (!isHttpUrl(url)) {
    if (!url.startsWith("/")) {
      problems.push({
        path: `${prefix}.url`,
        message: `expected an http(s) URL or a path starting with "/", found ${JSON.stringify(url)}`,
      });
    } else if (base === undefined) {
      problems.push({
        path: "target",
        message: `the request URL ${JSON.stringify(url)} is a path: set plan.target(url) or pass baseUrl to run()`,
      });
    }
  }
  if (spec.headers !== undefined) {
    if (spec.headers === null || typeof spec.headers !== "object" || Array.isArray(spec.headers)) {
      problems.push({
        path: `${prefix}.headers`,
        message: "expected an object of header name → string value",
      });
    } else {
      for (const [k, v] of Object.entries(spec.headers)) {
        if (!TOKEN.test(k))
          problems.push({ path: `${prefix}.headers`, message: `invalid header name ${JSON.stringify(k)}` });
        if (typeof v !== "string")
          problems.push({ path: `${prefix}.headers.${k}`, message: `expected a string, found ${typeof v}` });
      }
    }
  }
  return problems;
}

/** Resolves a spec (assumed valid) against a base URL. */
export function resolveRequest(spec: RequestSpec, base: string | undefined): ResolvedRequest {
  const url = new URL(spec.url ?? "/", base);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = v;
  let body: string | Buffer | undefined;
  if (typeof spec.body === "string") body = spec.body;
  else if (spec.body instanceof Uint8Array) body = Buffer.from(spec.body);
  else if (spec.body !== undefined) {
    body = JSON.stringify(spec.body);
    headers["content-type"] ??= "application/json";
  }
  return {
    method: (spec.method ?? (body === undefined ? "GET" : "POST")).toUpperCase(),
    url: url.href,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    headers,
    body,
  };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
