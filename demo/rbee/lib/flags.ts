// Flag and environment parsing for the demo services. The demo knows nothing of the SDK, so it has its own
// small parser: `--name value`, `--name=value`, repeatable lists, and env vars that mirror each flag.

/** Bad flags or env vars: names the input and lists every problem, so a user fixes them all in one go. */
export class DemoInputError extends Error {
  readonly input: string;
  readonly problems: readonly string[];

  constructor(input: string, problems: readonly string[]) {
    const noun = problems.length === 1 ? "problem" : "problems";
    super(`invalid ${input} (${problems.length} ${noun}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "DemoInputError";
    this.input = input;
    this.problems = problems;
  }
}

interface FlagBase<T> {
  kind: "int" | "string" | "list" | "bool";
  default: T;
  help: string;
  /** Extra env names; `<PREFIX>_<SNAKE_NAME>` is always accepted. */
  env?: string[];
}
interface IntFlag extends FlagBase<number> {
  kind: "int";
  min: number;
  max: number;
}
interface StringFlag extends FlagBase<string> {
  kind: "string";
}
interface ListFlag extends FlagBase<string[]> {
  kind: "list";
}
interface BoolFlag extends FlagBase<boolean> {
  kind: "bool";
}
export type FlagDef = IntFlag | StringFlag | ListFlag | BoolFlag;
export type FlagValues<S extends Record<string, FlagDef>> = { [K in keyof S]: S[K]["default"] };

export function intFlag(
  def: number,
  help: string,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
  env?: string[],
): IntFlag {
  return { kind: "int", default: def, help, min, max, env };
}
export function stringFlag(def: string, help: string, env?: string[]): StringFlag {
  return { kind: "string", default: def, help, env };
}
export function listFlag(help: string, env?: string[]): ListFlag {
  return { kind: "list", default: [], help, env };
}
export function boolFlag(help: string, env?: string[]): BoolFlag {
  return { kind: "bool", default: false, help, env };
}

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const snake = (key: string) => kebab(key).replace(/-/g, "_").toUpperCase();

/** The env names a flag answers to, first wins. */
export function envNames(prefix: string, key: string, def: FlagDef): string[] {
  return [`${prefix}_${snake(key)}`, ...(def.env ?? [])];
}

export function helpText(service: string, prefix: string, spec: Record<string, FlagDef>): string {
  const lines = Object.entries(spec).map(([key, def]) => {
    const dflt = def.kind === "list" ? "" : ` (default ${JSON.stringify(def.default)})`;
    return `  --${kebab(key).padEnd(28)} ${def.help}${dflt} [env ${envNames(prefix, key, def).join(", ")}]`;
  });
  return `usage: npx tsx demo/rbee/${service}.ts [flags]\n${lines.join("\n")}\n`;
}

/**
 * Parses argv (flags only, no positionals) over env over defaults. Lists split on commas too. Throws one
 * DemoInputError with every problem found.
 */
export function parseFlags<S extends Record<string, FlagDef>>(
  service: string,
  prefix: string,
  spec: S,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  check: (values: Partial<FlagValues<S>>) => string[] = () => [],
): FlagValues<S> {
  const problems: string[] = [];
  const byFlag = new Map(Object.keys(spec).map((k) => [`--${kebab(k)}`, k]));
  const raw = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(name);
    if (!key) {
      problems.push(`${arg}: unknown flag (known: ${[...byFlag.keys()].join(", ")})`);
      continue;
    }
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (spec[key].kind === "bool") value = "true";
    else if (i + 1 < argv.length) value = argv[++i];
    if (value === undefined) {
      problems.push(`${name}: expected a value after it, found the end of the arguments`);
      continue;
    }
    raw.set(key, [...(raw.get(key) ?? []), value]);
  }
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(spec)) {
    const flag = `--${kebab(key)}`;
    const envName = envNames(prefix, key, def).find((n) => env[n] !== undefined && env[n] !== "");
    const fromEnv = envName === undefined ? undefined : (env[envName] as string);
    const given = raw.get(key);
    const where = given ? flag : `${envName} (from ${flag})`;
    if (def.kind === "list") {
      const all = [...(fromEnv ? [fromEnv] : []), ...(given ?? [])];
      out[key] = [
        ...new Set(
          all
            .flatMap((v) => v.split(","))
            .map((v) => v.trim())
            .filter(Boolean),
        ),
      ];
      continue;
    }
    const value = given ? given[given.length - 1] : fromEnv;
    if (value === undefined) {
      out[key] = def.default;
    } else if (def.kind === "int") {
      const n = Number(value);
      if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
        problems.push(`${where}: expected an integer, found ${JSON.stringify(value)}`);
      } else if (n < def.min || n > def.max) {
        problems.push(`${where}: expected ${def.min}..${def.max}, found ${n}`);
      } else out[key] = n;
    } else if (def.kind === "bool") {
      if (!["true", "false", "1", "0"].includes(value)) {
        problems.push(`${where}: expected true or false, found ${JSON.stringify(value)}`);
      } else out[key] = value === "true" || value === "1";
    } else out[key] = value;
  }
  problems.push(...check(out as Partial<FlagValues<S>>));
  if (problems.length > 0) throw new DemoInputError(`${service} flags`, problems);
  return out as FlagValues<S>;
}
