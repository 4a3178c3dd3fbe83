// The report as data: a list of blocks that render-markdown.ts turns into REPORT.md and render-html.ts into
// report.html. What a reader sees, and in which order, is decided once, in report-content.ts.

/** How a cell or a line should catch the eye: a verdict colour in HTML, nothing in Markdown. */
export type Tone = "pass" | "fail" | "error" | "skip" | "reported";

export interface Span {
  text: string;
  strong?: boolean;
  code?: boolean;
  href?: string;
  tone?: Tone;
}

/** Inline content: plain text, or spans with emphasis, code, a link or a tone. */
export type Inline = string | Span | (string | Span)[];

export interface Figure {
  /** What the chart shows, in words (alt text and caption). */
  alt: string;
  /** The chart's file, relative to the report (Markdown links it). */
  path: string;
  /** The chart itself, a standalone SVG document (HTML inlines it). */
  svg?: string;
}

export interface FailureItem {
  id: string;
  name: string;
  verdict: "failed" | "error" | "interrupted";
  href: string;
  reasons: string[];
}

export interface SkipItem {
  id: string;
  name: string;
  href: string;
  reason: string;
  enable?: string;
}

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3 | 4; text: string; anchor?: string }
  | { kind: "verdict"; tone: Tone; headline: string; detail: string }
  | { kind: "failures"; items: FailureItem[] }
  | { kind: "skips"; items: SkipItem[] }
  | { kind: "paragraph"; content: Inline }
  | { kind: "quote"; lines: string[] }
  | { kind: "list"; items: Inline[] }
  | { kind: "table"; header: string[]; rows: Inline[][]; align?: ("l" | "r" | "c")[] }
  | { kind: "figure"; figure: Figure }
  | { kind: "section"; id: string; tone: Tone; blocks: Block[] };

export function spans(inline: Inline): Span[] {
  const list = Array.isArray(inline) ? inline : [inline];
  return list.map((s) => (typeof s === "string" ? { text: s } : s));
}
