// Compose's variable interpolation in values: $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message},
// ${VAR?message}, and $$ for a literal dollar. Variables come from the environment and from the config.
import type { Problem } from "../../core/errors.ts";

const PATTERN =
  /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*)|(\{[^}]*\}?))/g;

/** The text with its variables replaced; each unset required variable or malformed reference is a problem at `path`. */
export function interpolate(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
  path: string,
  problems: Problem[],
): string {
  return text.replace(PATTERN, (whole, dollar, name, op, arg, bare, bad) => {
    if (dollar) return "$";
    if (bad !== undefined) {
      problems.push({
        path,
        message: `malformed variable reference ${whole} (expected \${NAME} or \${NAME:-default})`,
      });
      return whole;
    }
    const key = (name ?? bare) as string;
    const value = vars[key];
    const unsetOrEmpty = value === undefined || (op?.startsWith(":") && value === "");
    if (op === ":-" || op === "-") return (op === ":-" ? unsetOrEmpty : value === undefined) ? arg : value!;
    if (op === ":?" || op === "?") {
      if (op === ":?" ? unsetOrEmpty : value === undefined) {
        problems.push({ path, message: `variable ${key} is required${arg ? `: ${arg}` : ""}` });
        return "";
      }
      return value!;
    }
    // Compose substitutes an unset variable with the empty string (and warns): here it is a problem, named.
    if (value === undefined) {
      problems.push({ path, message: `variable ${key} is not set (give it a default: \${${key}:-value})` });
      return "";
    }
    return value;
  });
}

/** Every string in a parsed YAML tree interpolated (keys are left alone, as compose does). */
export function interpolateTree(
  value: unknown,
  vars: Readonly<Record<string, string | undefined>>,
  path: string,
  problems: Problem[],
): unknown {
  if (typeof value === "string") return interpolate(value, vars, path, problems);
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, vars, `${path}[${i}]`, problems));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k.startsWith("x-") ? v : interpolateTree(v, vars, path ? `${path}.${k}` : k, problems),
      ]),
    );
  return value;
}
