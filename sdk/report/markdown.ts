// REPORT.md: the report's content (report-content.ts) rendered as Markdown. Same journal, same text.
import type { RunJournal } from "../core/journal.ts";
import type { ScenarioFigures } from "./content-scenario.ts";
import type { Figure } from "./document.ts";
import { renderMarkdown } from "./render-markdown.ts";
import { buildReport } from "./report-content.ts";

export interface MarkdownReportOptions {
  /** Scenario id → SVG chart path relative to the report. */
  charts?: Record<string, string>;
  /** Scenario id → load chart path relative to the report. */
  loadCharts?: Record<string, string>;
  /** Scenario id → every chart of the scenario (takes precedence over charts and loadCharts). */
  figures?: Record<string, ScenarioFigures>;
  overview?: Figure[];
}

export function renderMarkdownReport(journal: RunJournal, options: MarkdownReportOptions = {}): string {
  return renderMarkdown(
    buildReport(journal, { scenarios: figuresOf(journal, options), overview: options.overview }),
  );
}

/** The figures option, or one built from the chart paths. */
export function figuresOf(journal: RunJournal, o: MarkdownReportOptions): Record<string, ScenarioFigures> {
  if (o.figures) return o.figures;
  const out: Record<string, ScenarioFigures> = {};
  for (const s of journal.scenarios) {
    const chart = o.charts?.[s.id];
    const load = o.loadCharts?.[s.id];
    out[s.id] = {
      chart: chart ? { alt: `${s.id}: latency and errors over time`, path: chart } : undefined,
      load: load ? [{ alt: "load: users, requests/s and latency over time", path: load }] : [],
    };
  }
  return out;
}
