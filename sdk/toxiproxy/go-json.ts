// Decoding request bodies the way upstream's Go json.Decoder does: only the first JSON value is read (trailing
// bytes are ignored), syntax errors carry Go's wording ("unexpected EOF", "invalid character 'x' …", "exceeded
// max depth"), and the result keeps what JSON.parse would lose: number literals as written (int64 and float32
// are checked against the literal), every key of an object in order (Go decodes duplicate keys one after the
// other, so two "attributes" objects merge), and lone surrogates already replaced by U+FFFD as Go does.

export type GoJson =
  | { kind: "object"; entries: [string, GoJson][] }
  | { kind: "array"; items: GoJson[] }
  | { kind: "string"; value: string }
  | { kind: "number"; text: string }
  | { kind: "bool"; value: boolean }
  | { kind: "null" };

/** Go's encoding/json nesting limit. */
const MAX_DEPTH = 10_000;

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number | undefined): boolean =>
  b !== undefined && (isDigit(b) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** Go's quoteChar: one byte as strconv.Quote prints the rune of the same value, in single quotes. */
function quoteChar(b: number): string {
  if (b === 0x27) return "'\\''";
  if (b === 0x22) return "'\"'";
  const named: Record<number, string> = {
    7: "a",
    8: "b",
    9: "t",
    10: "n",
    11: "v",
    12: "f",
    13: "r",
    92: "\\",
  };
  if (named[b] !== undefined) return `'\\${named[b]}'`;
  const hex = b.toString(16).padStart(2, "0");
  if (b < 0x20 || b === 0x7f) return `'\\x${hex}'`;
  if ((b >= 0x80 && b < 0xa1) || b === 0xad) return `'\\u00${hex}'`;
  return `'${String.fromCharCode(b)}'`;
}

/** A container being filled: the value so far and, for an object, the key waiting for its value. */
interface Frame {
  value: Extract<GoJson, { kind: "object" | "array" }>;
  key?: string;
}

class Decoder {
  i = 0;
  private readonly stack: Frame[] = [];

  constructor(private readonly b: Buffer) {}

  private fail(what: string): never {
    if (this.i >= this.b.length) throw new Error("unexpected EOF");
    throw new Error(`invalid character ${quoteChar(this.b[this.i])} ${what}`);
  }

  ws(): void {
    while (this.i < this.b.length && SPACE.has(this.b[this.i])) this.i++;
  }

  /** The first value; iterative, so that nesting costs heap and not stack. */
  value(): GoJson {
    for (;;) {
      this.ws();
      const c = this.b[this.i];
      let done: GoJson | undefined;
      if (c === 0x7b || c === 0x5b) {
        this.i++;
        if (this.stack.length >= MAX_DEPTH) {
          this.i--;
          this.fail("exceeded max depth");
        }
        const frame: Frame =
          c === 0x7b ? { value: { kind: "object", entries: [] } } : { value: { kind: "array", items: [] } };
        this.stack.push(frame);
        this.ws();
        if (this.b[this.i] === (c === 0x7b ? 0x7d : 0x5d)) {
          this.i++;
          this.stack.pop();
          done = frame.value;
        } else if (c === 0x7b) {
          this.key(frame);
          continue;
        } else continue;
      } else if (c === 0x22) done = { kind: "string", value: this.string() };
      else if (c === 0x2d || isDigit(c)) done = { kind: "number", text: this.number() };
      else if (c === 0x74) done = this.literal("true", { kind: "bool", value: true });
      else if (c === 0x66) done = this.literal("false", { kind: "bool", value: false });
      else if (c === 0x6e) done = this.literal("null", { kind: "null" });
      else this.fail("looking for beginning of value");
      // Hand the finished value to its container, closing as many containers as end here.
      for (;;) {
        const top = this.stack.at(-1);
        if (top === undefined) return done;
        if (top.value.kind === "object") top.value.entries.push([top.key as string, done]);
        else top.value.items.push(done);
        this.ws();
        const next = this.b[this.i];
        const isObject = top.value.kind === "object";
        if (next === 0x2c) {
          this.i++;
          if (isObject) this.key(top);
          break;
        }
        if (next === (isObject ? 0x7d : 0x5d)) {
          this.i++;
          this.stack.pop();
          done = top.value;
          continue;
        }
        this.fail(isObject ? "after object key:value pair" : "after array element");
      }
    }
  }

  private key(frame: Frame): void {
    this.ws();
    if (this.b[this.i] !== 0x22) this.fail("looking for beginning of object key string");
    frame.key = this.string();
    this.ws();
    if (this.b[this.i] !== 0x3a) this.fail("after object key");
    this.i++;
  }

  /** A string literal; escapes decoded as Go does (a lone surrogate becomes U+FFFD). */
  private string(): string {
    this.i++;
    let out = "";
    let from = this.i;
    for (;;) {
      const c = this.b[this.i];
      if (c === undefined) this.fail("in string literal");
      if (c === 0x22) {
        out += this.b.toString("utf8", from, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail("in string literal");
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += this.b.toString("utf8", from, this.i);
      this.i++;
      const e = this.b[this.i];
      const simple: Record<number, string> = {
        34: '"',
        92: "\\",
        47: "/",
        98: "\b",
        102: "\f",
        110: "\n",
        114: "\r",
        116: "\t",
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        this.i++;
      } else if (e === 0x75) {
        const unit = this.hex4();
        if (unit >= 0xd800 && unit < 0xdc00 && this.b[this.i] === 0x5c && this.b[this.i + 1] === 0x75) {
          const save = this.i;
          this.i++;
          const low = this.hex4();
          if (low >= 0xdc00 && low < 0xe000) out += String.fromCharCode(unit, low);
          else {
            out += "\ufffd";
            this.i = save; // the second escape stands on its own
          }
        } else out += unit >= 0xd800 && unit < 0xe000 ? "\ufffd" : String.fromCharCode(unit);
      } else this.fail("in string escape code");
      from = this.i;
    }
  }

  /** "uXXXX" after a backslash (this.i on the u); returns the code unit. */
  private hex4(): number {
    for (let k = 1; k <= 4; k++) {
      if (!isHex(this.b[this.i + k])) {
        this.i += k;
        this.fail("in \\u hexadecimal character escape");
      }
    }
    const unit = Number.parseInt(this.b.toString("latin1", this.i + 1, this.i + 5), 16);
    this.i += 5;
    return unit;
  }

  /** Go's number states: -, int, frac, exp, each with its own error. */
  private number(): string {
    const start = this.i;
    if (this.b[this.i] === 0x2d) {
      this.i++;
      if (!isDigit(this.b[this.i])) this.fail("in numeric literal");
    }
    if (this.b[this.i] === 0x30) this.i++;
    else while (isDigit(this.b[this.i])) this.i++;
    if (this.b[this.i] === 0x2e) {
      this.i++;
      if (!isDigit(this.b[this.i])) this.fail("after decimal point in numeric literal");
      while (isDigit(this.b[this.i])) this.i++;
    }
    if (this.b[this.i] === 0x65 || this.b[this.i] === 0x45) {
      this.i++;
      if (this.b[this.i] === 0x2b || this.b[this.i] === 0x2d) this.i++;
      if (!isDigit(this.b[this.i])) this.fail("in exponent of numeric literal");
      while (isDigit(this.b[this.i])) this.i++;
    }
    return this.b.toString("latin1", start, this.i);
  }

  private literal(word: string, value: GoJson): GoJson {
    for (let k = 0; k < word.length; k++) {
      if (this.b[this.i] !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`);
      this.i++;
    }
    return value;
  }
}

/** Decodes the first JSON value of `body`; throws an Error whose message is Go's ("EOF" for an empty body). */
export function decodeFirstValue(body: Buffer | string): GoJson {
  const d = new Decoder(typeof body === "string" ? Buffer.from(body) : body);
  d.ws();
  if (d.i >= (typeof body === "string" ? Buffer.byteLength(body) : body.length)) throw new Error("EOF");
  return d.value();
}

/** Go's ASCII case folding for struct field names (keys match exactly first, then ignoring case). */
export function matchesField(key: string, name: string): boolean {
  if (key === name) return true;
  if (key.length !== name.length) return false;
  return key.toLowerCase() === name.toLowerCase();
}

/** Float32 rounding and Go's shortest printing of it (toxicity is a float32 upstream). */
export function toFloat32(n: number): number {
  const f = Math.fround(n);
  if (f === 0) return f; // keeps the sign of -0, which Go prints
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** A float32 as Go's encoding/json prints it: shortest form, "-0" kept. */
export function formatFloat32(n: number): string {
  const f = toFloat32(n);
  return Object.is(f, -0) ? "-0" : String(f);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The exact integer a number literal stands for, if it is one within int64; undefined otherwise. Go's
 * strconv.ParseInt takes digits only; a literal such as 1.0 or 1e3 is also taken here (a documented deviation).
 */
export function int64Of(text: string): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) return undefined;
  const [, sign, whole, frac = "", exp = "0"] = m;
  let digits = (whole + frac).replace(/^0+/, "");
  if (digits === "") return 0n;
  let e = Number(exp) - frac.length;
  const trailing = /0*$/.exec(digits)![0].length;
  if (e < 0) {
    if (-e > trailing) return undefined;
    digits = digits.slice(0, digits.length + e);
    e = 0;
  }
  if (digits.length + e > 20) return undefined;
  const value = BigInt(sign + digits) * 10n ** BigInt(e);
  return value < INT64_MIN || value > INT64_MAX ? undefined : value;
}
