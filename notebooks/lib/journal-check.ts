// The journal check for browser pages. sdk/core/journal.ts also reads and writes files (node:fs), which Vite's
// dev server (`notebooks preview`) refuses to load in a page, so its readable schema ids are repeated here; a
// test keeps the two equal.
import type { RunJournal } from "../../sdk/core/journal.ts";

/** The schemas a page reads, oldest first; the last is the one runs write now. */
export const PAGE_READABLE_SCHEMAS: readonly string[] = ["hivestorm/results@1", "hivestorm/results@2"];

/** The data as a journal (an older schema read as the current one), or an error naming its source. */
export function asJournal(data: unknown, name: string): RunJournal {
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (!PAGE_READABLE_SCHEMAS.includes(schema as string))
    throw new Error(
      `${name}: expected a hivestorm journal (schema ${PAGE_READABLE_SCHEMAS.map((s) => `"${s}"`).join(" or ")}), found ${JSON.stringify(schema)}`,
    );
  const j = data as RunJournal;
  // Schema @1 named the system's switches demoBugs.
  if (j.options && j.options.systemFlags === undefined) j.options.systemFlags = j.options.demoBugs ?? [];
  return j;
}
