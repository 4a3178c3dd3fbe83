// Loads a system definition file (hivestorm.config.ts, or --config FILE) and says plainly what is wrong with
// it: not found, a folder, a syntax error, a file that throws while it is imported (naming the file and line
// that threw), a config function that throws, no default export, no proxy, an unknown system flag.
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HivestormError, ValidationError } from "../core/errors.ts";
import { applyCompose } from "./compose/compose-system.ts";
import { resolveSystem, type SystemConfig, type SystemDefinition } from "./definition.ts";
import { validateSystem } from "./validate-system.ts";

export interface LoadSystemOptions {
  /** `--demo-bug` values: checked against the config's `knownFlags` export when it has one. */
  demoBugs: string[];
  target: "process" | "docker";
  logDir: string;
  allowNonLoopback?: boolean;
  /** `--compose FILE`: the services come from this compose file (see compose/compose-system.ts). */
  compose?: string;
}

export interface LoadedSystem {
  system: SystemDefinition;
  /** The system flags the config declares (`export const knownFlags = [...]`), when it does. */
  knownFlags?: string[];
}

const HINT = "see docs/system.md for the shape of a config (export default defineSystem({...}))";

export async function loadSystemConfig(
  root: string,
  configPath: string,
  options: LoadSystemOptions,
): Promise<LoadedSystem> {
  const file = resolve(root, configPath);
  const name = relative(root, file) || configPath;
  if (!existsSync(file))
    throw new HivestormError("E_CONFIG", `config file ${configPath} not found`, {
      hint: "pass --config FILE, or create hivestorm.config.ts (see docs/system.md)",
    });
  if (statSync(file).isDirectory())
    throw new HivestormError("E_CONFIG", `--config ${configPath} is a folder, not a config file`, {
      hint: "pass the file itself, e.g. --config hivestorm.config.ts",
    });
  let mod: { default?: SystemConfig; knownFlags?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (error) {
    throw importError(root, name, error);
  }
  if (!mod.default)
    throw new ValidationError(
      name,
      [{ path: "default", message: "export default defineSystem({...})" }],
      HINT,
    );
  const knownFlags = Array.isArray(mod.knownFlags) ? mod.knownFlags.map(String) : undefined;
  if (knownFlags) {
    const unknown = options.demoBugs.filter((b) => !knownFlags.includes(b));
    if (unknown.length)
      throw new ValidationError("--demo-bug", [
        ...unknown.map((b) => ({ path: b, message: `unknown; ${name} knows ${knownFlags.join(", ")}` })),
      ]);
  }
  let system: SystemDefinition;
  try {
    system = resolveSystem(mod.default, {
      flags: options.demoBugs,
      demoBugs: options.demoBugs,
      target: options.target,
      logDir: options.logDir,
      root,
      compose: options.compose,
    });
  } catch (error) {
    throw new HivestormError(
      "E_CONFIG",
      `the system function of ${name} threw: ${(error as Error).message ?? String(error)}`,
      {
        found: whereThrown(root, error),
        hint: `fix ${name}; ${HINT}`,
      },
    );
  }
  system = applyCompose(name, system, { root, target: options.target, compose: options.compose });
  validateSystem(name, system, options.allowNonLoopback ?? false, options.target);
  const proxied = Object.values(system.services).filter((s) => s.proxy);
  if (proxied.length === 0)
    throw new ValidationError(
      name,
      [
        {
          path: "services",
          message:
            'no service declares a proxy; give the services clients reach one: proxy: { listen: "127.0.0.1:PORT" }',
        },
      ],
      "traffic and network faults go through Toxiproxy proxies in front of the services",
    );
  return { system, knownFlags };
}

function importError(root: string, name: string, error: unknown): HivestormError {
  const e = error as Error & {
    errors?: { text: string; location?: { file: string; line: number; column: number } }[];
  };
  // tsx (esbuild) reports a syntax error as "Transform failed with N error(s)" and the locations.
  if (Array.isArray(e.errors) && e.errors.length)
    return new HivestormError(
      "E_CONFIG",
      `${name} has a syntax error: ${e.errors
        .map(
          (x) =>
            `${x.location ? `${relative(root, x.location.file)}:${x.location.line}:${x.location.column}: ` : ""}${x.text}`,
        )
        .join("; ")}`,
      { hint: `fix ${name}` },
    );
  if (/Transform failed/.test(String(e?.message))) {
    // "Transform failed with 1 error:\n/abs/file.ts:2:12: ERROR: Unexpected ..."
    const lines = String(e.message).split("\n").slice(1).filter(Boolean);
    const text = lines
      .map((l) => l.replace(/^(\/[^:]+)/, (p) => relative(root, p)).replace(": ERROR:", ":"))
      .join("; ");
    return new HivestormError("E_CONFIG", `${name} has a syntax error: ${text || firstLine(e)}`, {
      hint: `fix ${name}`,
    });
  }
  if (e instanceof SyntaxError)
    return new HivestormError("E_CONFIG", `${name} has a syntax error: ${firstLine(e)}`, {
      hint: `fix ${name}`,
    });
  if ((e as NodeJS.ErrnoException)?.code === "ERR_UNSUPPORTED_DIR_IMPORT")
    return new HivestormError("E_CONFIG", `${name} imports a folder: ${firstLine(e)}`, {
      hint: "import the file (e.g. ./lib/index.ts), not the folder",
    });
  return new HivestormError("E_CONFIG", `${name} threw while it was loaded: ${firstLine(e)}`, {
    found: whereThrown(root, error),
    hint: `fix the file named above; ${HINT}`,
  });
}

/** The first stack frame inside the project, e.g. "at scenarios/lib/x.ts:12:7". */
function whereThrown(root: string, error: unknown): string | undefined {
  const stack = (error as Error)?.stack ?? "";
  for (const m of stack.matchAll(/(?:file:\/\/)?(\/[^\s():]+):(\d+):(\d+)/g)) {
    if (m[1].includes("/node_modules/") || !m[1].startsWith(root)) continue;
    return `thrown at ${relative(root, m[1])}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split("\n")[0];
}
