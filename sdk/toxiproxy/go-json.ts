// Decoding request bodies the way upstream's Go json.Decoder does: only the first JSON value is read (trailing
// bytes are ignored), and syntax errors carry Go's wording ("unexpected EOF", "invalid character 'x' …").

class Scanner {
  i = 0;
  constructor(readonly text: string) {}

  fail(what: string): never {
    if (this.i >= this.text.length) throw new Error("unexpected EOF");
    throw new Error(`invalid character ${quoteChar(this.text[this.i])} ${what}`);
  }

  ws(): void {
    while (this.i < this.text.length && " \t\n\r".includes(this.text[this.i])) this.i++;
  }

  value(): void {
    this.ws();
    const c = this.text[this.i];
    if (c === "{") this.object();
    else if (c === "[") this.array();
    else if (c === '"') this.string();
    else if (c === "-" || (c >= "0" && c <= "9")) this.number();
    else if (c === "t") this.literal("true");
    else if (c === "f") this.literal("false");
    else if (c === "n") this.literal("null");
    else this.fail("looking for beginning of value");
  }

  object(): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.fail("looking for beginning of object key string");
      this.string();
      this.ws();
      if (this.text[this.i] !== ":") this.fail("after object key");
      this.i++;
      this.value();
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === "}") return;
      if (c !== ",") {
        this.i--;
        this.fail("after object key:value pair");
      }
    }
  }

  array(): void {
    this.i++;
    this.ws();
    if (this.text[this.i] === "]") {
      this.i++;
      return;
    }
    for (;;) {
      this.value();
      this.ws();
      const c = this.text[this.i];
      this.i++;
      if (c === "]") return;
      if (c !== ",") {
        this.i--;
        this.fail("after array element");
      }
    }
  }

  string(): void {
    this.i++;
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) this.fail("in string literal");
      if (c === '"') {
        this.i++;
        return;
      }
      if (c < " ") this.fail("in string literal");
      if (c === "\\") {
        this.i++;
        const e = this.text[this.i];
        if (e === "u") {
          for (let k = 0; k < 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.text[this.i] ?? ""))
              this.fail("in \\u hexadecimal character escape");
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail("in string escape code");
      }
      this.i++;
    }
  }

  number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (m === null || m[0] === "-") {
      this.i++;
      this.fail("in numeric literal");
    }
    this.i += m[0].length;
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.text[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
      this.i++;
    }
  }
}

function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/** Parses the first JSON value of `text`; throws an Error whose message is Go's ("EOF" for an empty body). */
export function decodeFirstValue(text: string): unknown {
  const s = new Scanner(text);
  s.ws();
  if (s.i >= text.length) throw new Error("EOF");
  const start = s.i;
  s.value();
  return JSON.parse(text.slice(start, s.i));
}

/** The JSON kind of a value as Go's "cannot unmarshal X into …" names it. */
export function goKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "object") return "object";
  return typeof value; // "string" | "number"
}

/**
 * Reads a key of a decoded object the way Go matches struct fields: an exact key wins, otherwise the last key
 * equal to it ignoring case. Returns undefined when absent or null (Go leaves the field unchanged for null).
 */
export function field(object: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name] ?? undefined;
  let found: unknown;
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) found = object[key];
  return found ?? undefined;
}

/** Float32 rounding and Go's shortest printing of it (toxicity is a float32 upstream). */
export function toFloat32(n: number): number {
  const f = Math.fround(n);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
