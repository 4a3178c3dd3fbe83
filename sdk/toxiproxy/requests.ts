// Request bodies of the API, decoded as upstream's Go structs are, with upstream's errors: keys are matched to
// fields in document order (exactly, else ignoring case), null leaves a field as it was, and the first type error
// is the one reported (Go keeps decoding after it, but answers with the first).
import { ApiError, badRequestBody, invalidStream, invalidToxicType } from "./api-error.ts";
import { decodeFirstValue, type GoJson, int64Of, matchesField } from "./go-json.ts";
import type { Direction } from "./toxic-definition.ts";
import type { ToxicRegistry } from "./toxics/registry.ts";
import type { Attributes, ToxicKind } from "./toxics/toxic.ts";

const POPULATE_ITEM_GO_TYPE = 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }';
const TOXIC_UPDATE_GO_TYPE =
  'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }';

export function decodeBody(body: Buffer | string): GoJson {
  try {
    return decodeFirstValue(body);
  } catch (error) {
    throw badRequestBody((error as Error).message);
  }
}

/** Collects the first type error of one decode, as Go's decodeState.saveError does. */
class TypeErrors {
  first: string | undefined;

  /** `where` is "Struct.field.path" inside a struct, or undefined for a top-level value. */
  add(value: string, where: string | undefined, goType: string): void {
    this.first ??=
      where === undefined
        ? `json: cannot unmarshal ${value} into Go value of type ${goType}`
        : `json: cannot unmarshal ${value} into Go struct field ${where} of type ${goType}`;
  }

  throwIfAny(): void {
    if (this.first !== undefined) throw badRequestBody(this.first);
  }
}

/** The word Go's "cannot unmarshal X" uses for a JSON value that does not fit (numbers without their text). */
function kindOf(v: GoJson): string {
  return v.kind;
}

type FieldDecoder = (value: GoJson, where: string) => void;

/**
 * Decodes an object into fields named as their JSON tags; `struct` is the Go struct's name ("" for an anonymous
 * struct) and `path` the fields above it ("attributes."). A non-object is a type error of `goType`.
 */
function decodeStruct(
  v: GoJson,
  errors: TypeErrors,
  goType: string,
  at: { struct: string; path: string } | undefined,
  fields: Record<string, FieldDecoder>,
  inner: { struct: string; path: string },
): void {
  if (v.kind === "null") return;
  if (v.kind !== "object") {
    errors.add(kindOf(v), at && `${at.struct}.${at.path}`, goType);
    return;
  }
  const names = Object.keys(fields);
  for (const [key, value] of v.entries) {
    const name = names.find((n) => n === key) ?? names.find((n) => matchesField(key, n));
    if (name !== undefined) fields[name](value, `${inner.struct}.${inner.path}${name}`);
  }
}

function stringField(errors: TypeErrors, set: (s: string) => void): FieldDecoder {
  return (v, where) => {
    if (v.kind === "string") set(v.value);
    else if (v.kind !== "null") errors.add(kindOf(v), where, "string");
  };
}

function boolField(errors: TypeErrors, set: (b: boolean) => void): FieldDecoder {
  return (v, where) => {
    if (v.kind === "bool") set(v.value);
    else if (v.kind !== "null") errors.add(kindOf(v), where, "bool");
  };
}

/** A float32: Go's ParseFloat(…, 32) refuses what overflows it (1e39), naming the literal. */
function float32Field(errors: TypeErrors, set: (n: number) => void): FieldDecoder {
  return (v, where) => {
    if (v.kind === "number") {
      const n = Math.fround(Number(v.text));
      if (Number.isFinite(n)) set(n);
      else errors.add(`number ${v.text}`, where, "float32");
    } else if (v.kind !== "null") errors.add(kindOf(v), where, "float32");
  };
}

/** Proxy's Logger field (a *zerolog.Logger without exported fields): objects are taken and ignored. */
function loggerField(errors: TypeErrors): FieldDecoder {
  return (v, where) => {
    if (v.kind !== "object" && v.kind !== "null") errors.add(kindOf(v), where, "zerolog.Logger");
  };
}

/** The fields of a proxy body; absent ones are undefined. */
export interface ProxyFields {
  name?: string;
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

function proxyFields(
  v: GoJson,
  errors: TypeErrors,
  goType: string,
  struct: string,
  at: { struct: string; path: string } | undefined,
): ProxyFields {
  const out: ProxyFields = {};
  decodeStruct(
    v,
    errors,
    goType,
    at,
    {
      name: stringField(errors, (s) => {
        out.name = s;
      }),
      listen: stringField(errors, (s) => {
        out.listen = s;
      }),
      upstream: stringField(errors, (s) => {
        out.upstream = s;
      }),
      enabled: boolField(errors, (b) => {
        out.enabled = b;
      }),
      Logger: loggerField(errors),
    },
    { struct, path: "" },
  );
  return out;
}

/** POST /proxies and POST|PATCH /proxies/{name}: a toxiproxy.Proxy. */
export function parseProxyBody(body: Buffer | string): ProxyFields {
  const errors = new TypeErrors();
  const fields = proxyFields(decodeBody(body), errors, "toxiproxy.Proxy", "Proxy", undefined);
  errors.throwIfAny();
  return fields;
}

/** POST /populate: an array of anonymous structs embedding Proxy, so errors name ".field". */
export function parsePopulateBody(body: Buffer | string): ProxyFields[] {
  const value = decodeBody(body);
  const errors = new TypeErrors();
  let items: ProxyFields[] = [];
  if (value.kind === "array") {
    items = value.items.map((item) => proxyFields(item, errors, POPULATE_ITEM_GO_TYPE, "", undefined));
  } else if (value.kind !== "null") errors.add(kindOf(value), undefined, `[]${POPULATE_ITEM_GO_TYPE}`);
  errors.throwIfAny();
  return items;
}

/** A toxic's attributes: numbers for the toxic, and the exact int64 values the API prints. */
export interface DecodedAttributes {
  values: Attributes;
  exact: Record<string, bigint>;
}

export interface ToxicCreate {
  name: string;
  type: string;
  kind: ToxicKind;
  stream: string;
  direction: Direction;
  toxicity: number;
  /** Decodes the attributes; run after the name-clash check, as upstream does. */
  attributes(): DecodedAttributes;
}

export function parseDirection(stream: string): Direction {
  const s = stream.toLowerCase();
  if (s === "upstream" || s === "downstream") return s;
  throw invalidStream();
}

/**
 * POST /proxies/{name}/toxics, in upstream's two passes: first a toxics.ToxicWrapper whose attributes are a
 * NoopToxic (so a non-object there names NoopToxic), then, once the type is known, the attributes alone.
 */
export function parseToxicCreate(body: Buffer | string, registry: ToxicRegistry): ToxicCreate {
  const value = decodeBody(body);
  const errors = new TypeErrors();
  let name = "";
  let type = "";
  let stream = "downstream";
  let toxicity = 1;
  decodeStruct(
    value,
    errors,
    "toxics.ToxicWrapper",
    undefined,
    {
      attributes: (v, where) => {
        if (v.kind !== "object" && v.kind !== "null") errors.add(kindOf(v), where, "toxics.NoopToxic");
      },
      name: stringField(errors, (s) => {
        name = s;
      }),
      type: stringField(errors, (s) => {
        type = s;
      }),
      stream: stringField(errors, (s) => {
        stream = s;
      }),
      toxicity: float32Field(errors, (n) => {
        toxicity = n;
      }),
    },
    { struct: "ToxicWrapper", path: "" },
  );
  errors.throwIfAny();
  const direction = parseDirection(stream);
  name ||= `${type}_${stream}`;
  const kind = registry.get(type);
  if (kind === undefined) throw invalidToxicType();
  return {
    name,
    type,
    kind,
    stream,
    direction,
    toxicity,
    attributes: () => {
      const attributeErrors = new TypeErrors();
      const out = startAttributes(kind);
      decodeStruct(
        value,
        attributeErrors,
        "",
        undefined,
        { attributes: attributesField(kind, attributeErrors, out) },
        { struct: "", path: "" },
      );
      attributeErrors.throwIfAny();
      return checked(kind, out);
    },
  };
}

export interface ToxicUpdate {
  toxicity?: number;
  attributes: DecodedAttributes;
}

/** POST|PATCH /proxies/{name}/toxics/{toxic}: upstream decodes into an anonymous struct, so errors say ".toxicity". */
export function parseToxicUpdate(
  body: Buffer | string,
  kind: ToxicKind,
  current: DecodedAttributes,
): ToxicUpdate {
  const value = decodeBody(body);
  const errors = new TypeErrors();
  const out = startAttributes(kind, current);
  let toxicity: number | undefined;
  decodeStruct(
    value,
    errors,
    TOXIC_UPDATE_GO_TYPE,
    undefined,
    {
      attributes: attributesField(kind, errors, out),
      toxicity: float32Field(errors, (n) => {
        toxicity = n;
      }),
    },
    { struct: "", path: "" },
  );
  errors.throwIfAny();
  return { toxicity, attributes: checked(kind, out) };
}

function startAttributes(kind: ToxicKind, base?: DecodedAttributes): DecodedAttributes {
  const out: DecodedAttributes = { values: {}, exact: {} };
  for (const spec of kind.attributes) {
    out.exact[spec.name] = base?.exact[spec.name] ?? BigInt(spec.default);
    out.values[spec.name] = Number(out.exact[spec.name]);
  }
  return out;
}

/**
 * The "attributes" field: each object decoded onto the same struct (so repeated keys merge, as in Go); a null
 * drops the struct from the field, after which later objects land nowhere.
 */
function attributesField(kind: ToxicKind, errors: TypeErrors, out: DecodedAttributes): FieldDecoder {
  let detached = false;
  const fields: Record<string, FieldDecoder> = {};
  for (const spec of kind.attributes) {
    fields[spec.name] = (v, where) => {
      if (v.kind === "number") {
        const n = int64Of(v.text);
        if (n === undefined) errors.add(`number ${v.text}`, where, spec.goType);
        else if (!detached) {
          out.exact[spec.name] = n;
          out.values[spec.name] = Number(n);
        }
      } else if (v.kind !== "null") errors.add(kindOf(v), where, spec.goType);
    };
  }
  return (v) => {
    if (v.kind === "null") detached = true;
    if (detached) return;
    decodeStruct(v, errors, `toxics.${kind.goStruct}`, { struct: "", path: "attributes" }, fields, {
      struct: kind.goStruct,
      path: "attributes.",
    });
  };
}

function checked(kind: ToxicKind, attributes: DecodedAttributes): DecodedAttributes {
  const problems = kind.check?.(attributes.values) ?? [];
  if (problems.length > 0) {
    throw new ApiError(400, `invalid attributes for toxic type ${kind.type}: ${problems.join("; ")}`);
  }
  return attributes;
}
