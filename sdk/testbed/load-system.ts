// Reads a system definition: a config file (hivestorm.config.ts or --config FILE, with one clear message for
// each way it can be wrong) or one given inline, resolved with the run's options and validated before anything
// starts.

import { applyCompose } from "../system/compose/compose-system.ts";
import {
  resolveSystem,
  type SystemConfig,
  type SystemDefinition,
  type SystemOptions,
} from "../system/definition.ts";
import { loadSystemConfig } from "../system/load-config.ts";
import { validateSystem } from "../system/validate-system.ts";

export const DEFAULT_CONFIG = "hivestorm.config.ts";

export async function loadSystem(
  config: string | SystemConfig,
  o: SystemOptions & { allowNonLoopback?: boolean },
): Promise<{ system: SystemDefinition; source: string }> {
  if (typeof config === "string") {
    const { system } = await loadSystemConfig(o.root, config, {
      demoBugs: o.flags,
      target: o.target,
      logDir: o.logDir,
      allowNonLoopback: o.allowNonLoopback,
      compose: o.compose,
    });
    return { system, source: config };
  }
  const source = "inline system definition";
  const system = applyCompose(source, resolveSystem(config, o), o);
  validateSystem(source, system, o.allowNonLoopback, o.target);
  return { system, source };
}
