// The journal check for browser pages. sdk/core/journal.ts also reads and writes files (node:fs), which Vite's
// dev server (`notebooks preview`) refuses to load in a page, so its schema id is repeated here; a test keeps
// the two equal.
import type { RunJournal } from "../../sdk/core/journal.ts";

export const PAGE_JOURNAL_SCHEMA = "hivestorm/results@1";

/** The data as a journal, or an error naming where it came from and what it found. */
export function asJournal(data: unknown, name: string): RunJournal {
  const schema = (data as { schema?: unknown } | null)?.schema;
  if (schema !== PAGE_JOURNAL_SCHEMA)
    throw new Error(
      `${name}: expected a hivestorm journal (schema "${PAGE_JOURNAL_SCHEMA}"), found ${JSON.stringify(schema)}`,
    );
  return data as RunJournal;
}
