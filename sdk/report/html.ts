// report.html: the report's content (report-content.ts), the same as REPORT.md's, as one self-contained page.
import type { RunJournal } from "../core/journal.ts";
import { figuresOf, type MarkdownReportOptions } from "./markdown.ts";
import { renderHtml } from "./render-html.ts";
import { buildReport } from "./report-content.ts";

export function renderHtmlReport(journal: RunJournal, options: MarkdownReportOptions = {}): string {
  const blocks = buildReport(journal, { scenarios: figuresOf(journal, options), overview: options.overview });
  return renderHtml(blocks, `hivestorm run ${journal.runId}: ${journal.status.toUpperCase()}`);
}
