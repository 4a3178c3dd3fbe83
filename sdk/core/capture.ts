// Response captures: named values taken from each response (a header, the status or its class, a field of a
// JSON body), so that checks can judge which backend answered or what it said, not only status and latency.
// A capture is declared as `{ backend: "header:x-backend", cls: "status-class", model: "json:result.model" }`.
import { type Problem, ValidationError } from "./errors.ts";

/** Capture name → source: "header:<name>", "status", "status-class" or "json:<dotted.path>". */
export type CaptureSpec = Readonly<Record<string, string>>;

/** One request's captured values; null when there was no response or the value was absent. */
export type Captured = Record<string, string | null>;

export type CaptureSource =
  | { kind: "header"; header: string }
  | { kind: "status" }
  | { kind: "status-class" }
  | { kind: "json"; path: string[] };

export interface Capture {
  name: string;
  source: CaptureSource;
}

/** What a capture reads: status 0 means no response. Headers as Node or undici give them. */
export interface CaptureResponse {
  status: number;
  headers?: Record<string, string | string[] | undefined>;
  /** The body; read only when a JSON capture asks for it. */
  body?: string;
}

/** How null (no response, header or field absent) is counted in a split of values. */
export const NONE_VALUE = "(none)";
/** How the values beyond a bounded tally's limit are counted. */
export const OTHER_VALUE = "(other)";
/** Captured values are cut to this length: a header or field is evidence, not a payload to keep. */
export const MAX_VALUE_LENGTH = 200;

const KINDS = '"header:<name>", "status", "status-class" or "json:<dotted.path>"';
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const HEADER = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Every problem with a capture spec, each with its path under `at`. */
export function captureProblems(spec: unknown, at = "capture"): Problem[] {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec))
    return [{ path: at, message: `expected an object of name → source (${KINDS}), found ${show(spec)}` }];
  const problems: Problem[] = [];
  for (const [name, source] of Object.entries(spec)) {
    const path = `${at}.${name}`;
    if (!NAME.test(name))
      problems.push({ path, message: 'expected a name such as "backend" (letters, digits, _ and -)' });
    const p = sourceProblem(source);
    if (p) problems.push({ path, message: p });
  }
  return problems;
}

function sourceProblem(source: unknown): string | undefined {
  if (typeof source !== "string") return `expected ${KINDS}, found ${show(source)}`;
  if (source === "status" || source === "status-class") return undefined;
  const colon = source.indexOf(":");
  const kind = colon < 0 ? source : source.slice(0, colon);
  const arg = colon < 0 ? "" : source.slice(colon + 1);
  if (kind === "header")
    return HEADER.test(arg) ? undefined : `expected a header name after "header:", found ${show(source)}`;
  if (kind === "json")
    return arg.split(".").every((s) => s.length > 0)
      ? undefined
      : `expected a dotted path such as "json:result.backend" (no empty segment), found ${show(source)}`;
  return `unknown kind ${show(kind)}; expected ${KINDS}`;
}

/** The spec parsed; throws one ValidationError naming `input` and every problem. */
export function parseCaptures(spec: CaptureSpec | undefined, input: string, at = "capture"): Capture[] {
  if (spec === undefined) return [];
  const problems = captureProblems(spec, at);
  if (problems.length) throw new ValidationError(input, problems, `declare captures as { name: ${KINDS} }`);
  return Object.entries(spec).map(([name, s]) => ({ name, source: toSource(s) }));
}

function toSource(s: string): CaptureSource {
  if (s === "status" || s === "status-class") return { kind: s };
  if (s.startsWith("header:")) return { kind: "header", header: s.slice(7).toLowerCase() };
  return { kind: "json", path: s.slice(5).split(".") };
}

/** Whether any capture reads the body (the body is read only then). */
export function capturesNeedBody(captures: readonly Capture[]): boolean {
  return captures.some((c) => c.source.kind === "json");
}

/** Whether any capture reads a header. */
export function capturesNeedHeaders(captures: readonly Capture[]): boolean {
  return captures.some((c) => c.source.kind === "header");
}

/** The values of one response; every value is null when there was no response (status 0). */
export function captureValues(captures: readonly Capture[], res: CaptureResponse): Captured {
  const out: Captured = {};
  let json: { value: unknown } | undefined;
  for (const c of captures) {
    if (res.status === 0) {
      out[c.name] = null;
      continue;
    }
    const s = c.source;
    if (s.kind === "status") out[c.name] = String(res.status);
    else if (s.kind === "status-class") out[c.name] = `${Math.floor(res.status / 100)}xx`;
    else if (s.kind === "header") out[c.name] = cut(headerValue(res.headers, s.header));
    else {
      json ??= { value: parseBody(res.body) };
      out[c.name] = cut(stringify(walk(json.value, s.path)));
    }
  }
  return out;
}

/** The same values with null as NONE_VALUE: a key for counting. */
export function valueKey(v: string | null | undefined): string {
  return v === null || v === undefined ? NONE_VALUE : v;
}

/** Counts of each value of a column (null counted as NONE_VALUE), most frequent first. */
export function countValues(values: readonly (string | null)[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) {
    const k = valueKey(v);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return sortByCount(counts);
}

export function sortByCount(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    out[k] = n;
  return out;
}

function headerValue(headers: CaptureResponse["headers"], name: string): string | null {
  if (!headers) return null;
  let v = headers[name];
  // Node lowercases header names; autocannon keeps them as the server wrote them.
  if (v === undefined)
    for (const [k, x] of Object.entries(headers))
      if (k.toLowerCase() === name) {
        v = x;
        break;
      }
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : String(v);
}

function parseBody(body: string | undefined): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function walk(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function stringify(v: unknown): string | null {
  if (v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || v === null) return String(v);
  return JSON.stringify(v);
}

function cut(v: string | null): string | null {
  return v !== null && v.length > MAX_VALUE_LENGTH ? v.slice(0, MAX_VALUE_LENGTH) : v;
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}
