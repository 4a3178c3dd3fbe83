import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createStreamParser } from "../../../sdk/load/stream/stream-parser.ts";
import type { StreamEvent, StreamKind } from "../../../sdk/load/stream/stream-spec.ts";

function frame(kind: StreamKind, reads: (string | Buffer)[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  const p = createStreamParser(kind);
  for (const r of reads) p.push(Buffer.isBuffer(r) ? r : Buffer.from(r), (e) => out.push(e));
  p.end((e) => out.push(e));
  return out;
}

describe("stream parser", () => {
  it("SSE: events split across reads, named events, multi-line data, comments, CRLF", () => {
    const events = frame("sse", [
      ": keep-alive\n\ndata: a",
      '\n\nevent: done\r\ndata: {"x":1}\r\n\r\ndata: l1\ndata: l2\n',
      "\nid: 3\n\n",
    ]);
    assert.deepEqual(events, [
      { event: "", data: "a" },
      { event: "done", data: '{"x":1}' },
      { event: "", data: "l1\nl2" },
    ]);
  });

  it("SSE: an event not closed by a blank line is dropped at the end", () => {
    assert.deepEqual(frame("sse", ["data: a\n\ndata: half"]), [{ event: "", data: "a" }]);
  });

  it("NDJSON: lines across reads, blank lines skipped, the last line without newline kept", () => {
    assert.deepEqual(frame("ndjson", ['{"a":', '1}\n\n{"b":2}\r\n{"c"', ":3}"]), [
      { event: "", data: '{"a":1}' },
      { event: "", data: '{"b":2}' },
      { event: "", data: '{"c":3}' },
    ]);
  });

  it("chunked: one unit per read, UTF-8 split across reads decoded whole", () => {
    const euro = Buffer.from("€");
    assert.deepEqual(frame("chunked", [Buffer.from("a"), euro.subarray(0, 1), euro.subarray(1)]), [
      { event: "", data: "a" },
      { event: "", data: "€" },
    ]);
  });
});
