// A tiny JSON Schema (draft 2020-12) validator for the subset docs/results.schema.json uses. It refuses any
// keyword it does not implement, so the schema cannot silently grow beyond what this test checks.

type Schema = Record<string, unknown>;

const ANNOTATIONS = new Set(["$schema", "$id", "title", "description"]);
const KEYWORDS = new Set([
  "$ref",
  "$defs",
  "type",
  "const",
  "enum",
  "required",
  "properties",
  "additionalProperties",
  "items",
  "minimum",
  "maximum",
  "minLength",
]);

export function validate(root: Schema, value: unknown): string[] {
  const errors: string[] = [];
  check(root, value, "$");
  return errors;

  function check(schema: Schema, v: unknown, path: string): void {
    for (const key of Object.keys(schema))
      if (!ANNOTATIONS.has(key) && !KEYWORDS.has(key))
        throw new Error(`unsupported keyword ${key} at ${path}`);
    if (typeof schema.$ref === "string") {
      const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      const target = m && (root.$defs as Record<string, Schema>)?.[m[1]];
      if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
      check(target, v, path);
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((t) => hasType(v, t as string))) {
        errors.push(`${path}: expected ${types.join(" or ")}, found ${JSON.stringify(v)}`);
        return;
      }
    }
    if ("const" in schema && JSON.stringify(v) !== JSON.stringify(schema.const))
      errors.push(`${path}: expected ${JSON.stringify(schema.const)}, found ${JSON.stringify(v)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(v))
      errors.push(`${path}: expected one of ${schema.enum.join(", ")}, found ${JSON.stringify(v)}`);
    if (typeof v === "number") {
      if (typeof schema.minimum === "number" && v < schema.minimum)
        errors.push(`${path}: below ${schema.minimum}`);
      if (typeof schema.maximum === "number" && v > schema.maximum)
        errors.push(`${path}: above ${schema.maximum}`);
    }
    if (typeof v === "string" && typeof schema.minLength === "number" && v.length < schema.minLength)
      errors.push(`${path}: shorter than ${schema.minLength}`);
    if (Array.isArray(v) && schema.items)
      for (const [i, item] of v.entries()) check(schema.items as Schema, item, `${path}[${i}]`);
    if (hasType(v, "object")) {
      const obj = v as Record<string, unknown>;
      for (const key of (schema.required as string[]) ?? [])
        if (!(key in obj)) errors.push(`${path}: missing required ${key}`);
      const props = (schema.properties as Record<string, Schema>) ?? {};
      for (const [key, child] of Object.entries(obj)) {
        if (child === undefined) continue; // JSON drops it
        if (key in props) check(props[key], child, `${path}.${key}`);
        else if (schema.additionalProperties === false) errors.push(`${path}: unexpected property ${key}`);
        else if (typeof schema.additionalProperties === "object")
          check(schema.additionalProperties as Schema, child, `${path}.${key}`);
      }
    }
  }
}

function hasType(v: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "null":
      return v === null;
    default:
      return typeof v === type;
  }
}
