// Request bodies of the API, decoded and type-checked as upstream's Go structs are, with upstream's errors.
import { ApiError, badRequestBody, invalidStream, invalidToxicType } from "./api-error.ts";
import { decodeFirstValue, field, goKind, toFloat32 } from "./go-json.ts";
import type { Direction } from "./toxic-definition.ts";
import type { ToxicRegistry } from "./toxics/registry.ts";
import type { Attributes, ToxicKind } from "./toxics/toxic.ts";

const POPULATE_GO_TYPE = '[]struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';

export function decodeBody(text: string): unknown {
  try {
    return decodeFirstValue(text);
  } catch (error) {
    throw badRequestBody((error as Error).message);
  }
}

function typeError(value: unknown, where: string, goType: string): ApiError {
  return badRequestBody(
    `json: cannot unmarshal ${goKind(value)} into Go struct field ${where} of type ${goType}`,
  );
}

function readString(o: Record<string, unknown>, key: string, struct: string): string | undefined {
  const v = field(o, key);
  if (v === undefined || typeof v === "string") return v;
  throw typeError(v, `${struct}.${key}`, "string");
}

function readBool(o: Record<string, unknown>, key: string, struct: string): boolean | undefined {
  const v = field(o, key);
  if (v === undefined || typeof v === "boolean") return v;
  throw typeError(v, `${struct}.${key}`, "bool");
}

function asObject(value: unknown, goType: string): Record<string, unknown> {
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw badRequestBody(`json: cannot unmarshal ${goKind(value)} into Go value of type ${goType}`);
  }
  return value as Record<string, unknown>;
}

/** The fields of a proxy body; absent ones are undefined. */
export interface ProxyFields {
  name?: string;
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

function proxyFields(value: unknown, goType: string): ProxyFields {
  const o = asObject(value, goType);
  return {
    name: readString(o, "name", "Proxy"),
    listen: readString(o, "listen", "Proxy"),
    upstream: readString(o, "upstream", "Proxy"),
    enabled: readBool(o, "enabled", "Proxy"),
  };
}

export function parseProxyBody(text: string): ProxyFields {
  return proxyFields(decodeBody(text), "toxiproxy.Proxy");
}

export function parsePopulateBody(text: string): ProxyFields[] {
  const value = decodeBody(text);
  if (value === null) return [];
  if (!Array.isArray(value)) {
    throw badRequestBody(`json: cannot unmarshal ${goKind(value)} into Go value of type ${POPULATE_GO_TYPE}`);
  }
  return value.map((item) => proxyFields(item, POPULATE_GO_TYPE.slice(2)));
}

export interface ToxicCreate {
  name: string;
  type: string;
  kind: ToxicKind;
  stream: string;
  direction: Direction;
  toxicity: number;
  /** Decodes the attributes; run after the name-clash check, as upstream does. */
  attributes(): Attributes;
}

function readToxicity(o: Record<string, unknown>): number | undefined {
  const v = field(o, "toxicity");
  if (v === undefined) return undefined;
  if (typeof v !== "number") throw typeError(v, "ToxicWrapper.toxicity", "float32");
  return toFloat32(v);
}

export function parseDirection(stream: string): Direction {
  const s = stream.toLowerCase();
  if (s === "upstream" || s === "downstream") return s;
  throw invalidStream();
}

export function parseToxicCreate(text: string, registry: ToxicRegistry): ToxicCreate {
  const o = asObject(decodeBody(text), "toxics.ToxicWrapper");
  const nameField = readString(o, "name", "ToxicWrapper");
  const type = readString(o, "type", "ToxicWrapper") ?? "";
  const stream = readString(o, "stream", "ToxicWrapper") ?? "downstream";
  const toxicity = readToxicity(o) ?? 1;
  const direction = parseDirection(stream);
  const name = nameField || `${type}_${stream}`;
  const kind = registry.get(type);
  if (kind === undefined) throw invalidToxicType();
  const raw = field(o, "attributes");
  return { name, type, kind, stream, direction, toxicity, attributes: () => decodeAttributes(kind, raw) };
}

export interface ToxicUpdate {
  toxicity?: number;
  attributes: Attributes;
}

export function parseToxicUpdate(text: string, kind: ToxicKind, current: Attributes): ToxicUpdate {
  const o = asObject(decodeBody(text), "toxics.ToxicWrapper");
  const toxicity = readToxicity(o);
  return { toxicity, attributes: decodeAttributes(kind, field(o, "attributes"), current) };
}

/** Attributes merged field by field onto `base` (the defaults, or the current values on update). */
export function decodeAttributes(kind: ToxicKind, raw: unknown, base?: Attributes): Attributes {
  const out: Attributes = {};
  for (const spec of kind.attributes) out[spec.name] = base?.[spec.name] ?? spec.default;
  if (raw === undefined || raw === null) return checked(kind, out);
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw badRequestBody(
      `json: cannot unmarshal ${goKind(raw)} into Go struct field .attributes of type toxics.${kind.goStruct}`,
    );
  }
  for (const spec of kind.attributes) {
    const v = field(raw as Record<string, unknown>, spec.name);
    if (v === undefined) continue;
    const where = `${kind.goStruct}.attributes.${spec.name}`;
    if (typeof v !== "number") throw typeError(v, where, spec.goType);
    if (!Number.isSafeInteger(v)) {
      throw badRequestBody(
        `json: cannot unmarshal number ${v} into Go struct field ${where} of type ${spec.goType}`,
      );
    }
    out[spec.name] = v;
  }
  return checked(kind, out);
}

function checked(kind: ToxicKind, attributes: Attributes): Attributes {
  const problems = kind.check?.(attributes) ?? [];
  if (problems.length > 0) {
    throw new ApiError(400, `invalid attributes for toxic type ${kind.type}: ${problems.join("; ")}`);
  }
  return attributes;
}
