// Reads a system definition: a config file (hivestorm.config.ts or --config FILE) or one given inline, resolved
// with the run's options and validated before anything starts.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { HivestormError, ValidationError } from "../core/errors.ts";
import {
  resolveSystem,
  type SystemConfig,
  type SystemDefinition,
  type SystemOptions,
} from "../system/definition.ts";
import { validateSystem } from "../system/validate-system.ts";

export const DEFAULT_CONFIG = "hivestorm.config.ts";

export async function loadSystem(
  config: string | SystemConfig,
  o: SystemOptions & { allowNonLoopback?: boolean },
): Promise<{ system: SystemDefinition; source: string }> {
  let source = "inline system definition";
  let cfg: SystemConfig;
  if (typeof config === "string") {
    source = config;
    const file = resolve(o.root, config);
    if (!existsSync(file))
      throw new HivestormError("E_CONFIG", `config file ${config} not found`, {
        hint: `pass --config FILE, or create ${DEFAULT_CONFIG} (see docs/system.md)`,
      });
    const mod = (await import(pathToFileURL(file).href)) as { default?: SystemConfig };
    if (!mod.default)
      throw new ValidationError(config, [{ path: "default", message: "export default defineSystem({...})" }]);
    cfg = mod.default;
  } else cfg = config;
  const system = resolveSystem(cfg, o);
  validateSystem(source, system, o.allowNonLoopback);
  return { system, source };
}
