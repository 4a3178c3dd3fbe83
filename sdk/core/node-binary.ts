// The Node binary that services and helpers are started with. Under Node it is this very process's; under Deno
// (whose process.execPath is deno) it is the `node` on PATH: the system under test runs on the runtime it was
// written for, whichever runtime drives the run.
import { accessSync, constants, realpathSync } from "node:fs";
import { delimiter, join } from "node:path";
import { HivestormError } from "./errors.ts";

/** Whether this process runs on Deno (its Node compatibility layer) rather than on Node. */
export const onDeno = "Deno" in globalThis;

export function nodeBinary(): string {
  if (!onDeno) return process.execPath;
  const path = process.env.PATH ?? "";
  // Deno puts a `node` of its own first on PATH (a link to deno): skipped.
  const deno = realpathSync(process.execPath);
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const file = join(dir, "node");
    try {
      accessSync(file, constants.X_OK);
      if (realpathSync(file) !== deno) return file;
    } catch {
      // not in this folder
    }
  }
  throw new HivestormError("E_NO_NODE", "no node binary on PATH to start the services with", {
    expected: "Node 20 or newer on PATH (the services and helpers run on Node, the SDK may run on Deno)",
    found: `PATH=${path}`,
    hint: "install Node 20+ and put it on PATH",
  });
}
