// Go's json.Decoder behaviour: syntax errors in Go's words, literals kept, duplicate keys kept in order, int64 and
// float32 as Go reads and prints them.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeFirstValue, formatFloat32, int64Of } from "../../sdk/toxiproxy/go-json.ts";

const error = (body: string | Buffer): string => {
  try {
    decodeFirstValue(body);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`${body} decoded`);
};

test("syntax errors carry Go's wording", () => {
  assert.equal(error(""), "EOF");
  assert.equal(error(" \n"), "EOF");
  assert.equal(error('{"a":'), "unexpected EOF");
  assert.equal(error("1."), "unexpected EOF");
  assert.equal(error("[1.]"), "invalid character ']' after decimal point in numeric literal");
  assert.equal(error("[-x]"), "invalid character 'x' in numeric literal");
  assert.equal(error("[1e+]"), "invalid character ']' in exponent of numeric literal");
  assert.equal(error("[01]"), "invalid character '1' after array element");
  assert.equal(error('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(error('{"a":1 "b"}'), "invalid character '\"' after object key:value pair");
  assert.equal(error("{1:2}"), "invalid character '1' looking for beginning of object key string");
  assert.equal(error('"\\q"'), "invalid character 'q' in string escape code");
  assert.equal(error('"\\u12g4"'), "invalid character 'g' in \\u hexadecimal character escape");
  assert.equal(error('"a\tb"'), "invalid character '\\t' in string literal");
  assert.equal(error("nul"), "unexpected EOF");
  assert.equal(error("nulx"), "invalid character 'x' in literal null (expecting 'l')");
  assert.equal(error("é"), "invalid character 'Ã' looking for beginning of value");
  assert.equal(error(Buffer.from([0x85])), "invalid character '\\u0085' looking for beginning of value");
  assert.equal(error("[".repeat(10_001)), "invalid character '[' exceeded max depth");
  assert.equal(decodeFirstValue(`${"[".repeat(10_000)}${"]".repeat(10_000)}`).kind, "array");
});

test("the first value only; literals, key order and duplicates kept; lone surrogates become U+FFFD", () => {
  assert.deepEqual(decodeFirstValue('{"a":1.50,"a":[true,null],"b":"x"} trailing'), {
    kind: "object",
    entries: [
      ["a", { kind: "number", text: "1.50" }],
      [
        "a",
        {
          kind: "array",
          items: [{ kind: "bool", value: true }, { kind: "null" }],
        },
      ],
      ["b", { kind: "string", value: "x" }],
    ],
  });
  assert.deepEqual(decodeFirstValue('"\\ud800x\\ud83d\\ude00\\udc00\\u00e9"'), {
    kind: "string",
    value: "\ufffdx😀\ufffdé",
  });
});

test("int64: the whole range exactly; an exact integer written 1.0 or 1e3 taken; anything else refused", () => {
  assert.equal(int64Of("9223372036854775807"), 2n ** 63n - 1n);
  assert.equal(int64Of("-9223372036854775808"), -(2n ** 63n));
  assert.equal(int64Of("9223372036854775808"), undefined);
  assert.equal(int64Of("1.0"), 1n);
  assert.equal(int64Of("1e3"), 1000n);
  assert.equal(int64Of("1.5"), undefined);
  assert.equal(int64Of("1e400"), undefined);
  assert.equal(int64Of("1e-400"), undefined);
  assert.equal(int64Of("-0"), 0n);
});

test("float32 printed as Go prints it: shortest, -0 kept", () => {
  assert.equal(formatFloat32(0.1), "0.1");
  assert.equal(formatFloat32(1), "1");
  assert.equal(formatFloat32(-0), "-0");
  assert.equal(formatFloat32(3.4028234e38), "3.4028235e+38");
  assert.equal(formatFloat32(1e-7), "1e-7");
  assert.equal(formatFloat32(0.3), "0.3");
});
