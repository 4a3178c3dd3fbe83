// XML escaping for junit.xml and the SVG charts.

// Characters XML 1.0 forbids outright (control characters from a crashed process's output, say).
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters to remove
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text content: markup characters escaped, forbidden characters replaced by U+FFFD. */
export function xmlText(value: string): string {
  return value.replace(INVALID, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** An attribute value (double-quoted): also quotes, and whitespace kept as character references. */
export function xmlAttr(value: string): string {
  return xmlText(value)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}
