// Which scenarios a run takes: those of the selected suites, narrowed by --only, in suite order. A selection
// that names an unknown scenario, or matches none, is an error: never a green run of nothing.
import { ValidationError } from "../core/errors.ts";
import type { RunAllArgs } from "./args.ts";
import type { DiscoveredScenario } from "./discover.ts";

export function selectScenarios(
  all: DiscoveredScenario[],
  args: Pick<RunAllArgs, "suites" | "only">,
): DiscoveredScenario[] {
  const known = new Set(all.map((s) => s.definition.id));
  const unknown = args.only.filter((id) => !known.has(id));
  if (unknown.length)
    throw new ValidationError(
      "--only",
      unknown.map((id) => ({
        path: id,
        message: `no such scenario; known: ${[...known].sort().join(", ")}`,
      })),
    );
  // An id named with --only whose suite is not selected would be dropped without a word: say so instead.
  const outside = all.filter(
    (s) => args.only.includes(s.definition.id) && !args.suites.includes(s.definition.suite),
  );
  if (outside.length && outside.length < args.only.length)
    throw new ValidationError(
      "scenario selection",
      outside.map((s) => ({
        path: s.definition.id,
        message: `is in suite ${s.definition.suite}, which --suite ${args.suites.join(",")} leaves out: add --suite ${s.definition.suite} or drop it from --only`,
      })),
    );
  const order = (s: DiscoveredScenario) => args.suites.indexOf(s.definition.suite);
  const selected = all
    .filter((s) => args.suites.includes(s.definition.suite))
    .filter((s) => args.only.length === 0 || args.only.includes(s.definition.id))
    .sort((a, b) => order(a) - order(b) || a.definition.id.localeCompare(b.definition.id));
  if (selected.length === 0) {
    const where = args.only.map(
      (id) => `${id} is in suite ${all.find((s) => s.definition.id === id)?.definition.suite}`,
    );
    throw new ValidationError("scenario selection", [
      {
        path: "--suite/--only",
        message: `no scenario matches suites ${args.suites.join(", ")}${args.only.length ? ` and --only ${args.only.join(",")}` : ""}${where.length ? ` (${where.join("; ")})` : ""}`,
      },
    ]);
  }
  return selected;
}
