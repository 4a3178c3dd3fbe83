// The report's blocks as GitHub-flavoured Markdown (REPORT.md): charts linked as images, no HTML but anchors.
import type { Block, Inline } from "./document.ts";
import { spans } from "./document.ts";
import { code, table, text, verdictWord } from "./format.ts";

export function renderMarkdown(blocks: Block[]): string {
  return `${blocks
    .flatMap(block)
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

function block(b: Block): string[] {
  switch (b.kind) {
    case "heading": {
      const head = `${"#".repeat(b.level)} ${text(b.text)}`;
      return b.anchor && b.level > 1 ? [`<a id="${b.anchor}"></a>`, "", head, ""] : [head, ""];
    }
    case "verdict":
      return [`**${text(b.headline)}**`, "", text(b.detail), ""];
    case "failures":
      return [
        ...b.items.flatMap((f) => {
          const head = `- **${verdictWord(f.verdict)}** [${f.id}](${f.href}) ${text(f.name)}`;
          if (f.reasons.length === 1) return [`${head}: ${text(f.reasons[0])}`];
          return [`${head}:`, ...f.reasons.map((r) => `  - ${text(r)}`)];
        }),
        "",
      ];
    case "skips":
      return [
        ...b.items.map(
          (s) =>
            `- [${s.id}](${s.href}) ${text(s.name)}: ${text(s.reason)}${s.enable ? `. To run it: ${code(s.enable)}` : ""}`,
        ),
        "",
      ];
    case "paragraph":
      return [inline(b.content), ""];
    case "quote":
      return [...b.lines.map((line) => `> ${text(line)}`), ""];
    case "list":
      return [...b.items.map((item) => `- ${inline(item)}`), ""];
    case "table":
      return [
        table(
          b.header,
          b.rows.map((row) => row.map((c) => tableCell(c))),
          b.align,
        ),
        "",
      ];
    case "figure":
      return [`![${b.figure.alt.replace(/[[\]]/g, "")}](${encodeURI(b.figure.path)})`, ""];
    case "section":
      return b.blocks.flatMap(block);
  }
}

function inline(content: Inline): string {
  return spans(content)
    .map((s) => {
      if (s.code) return code(s.text);
      let out = text(s.text);
      if (s.href) out = `[${out}](${s.href})`;
      return s.strong ? `**${out}**` : out;
    })
    .join("");
}

// A table cell's markup; table() escapes pipes and flattens lines of every cell.
function tableCell(content: Inline): string {
  return inline(content);
}
