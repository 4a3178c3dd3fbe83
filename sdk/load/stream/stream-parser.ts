// Incremental framing of a response body into stream units: SSE events (split on blank lines, `event:` and
// `data:` fields), NDJSON lines, or raw chunks as they arrive. A unit split across two reads is held until
// it is whole; UTF-8 is decoded across reads.
import { StringDecoder } from "node:string_decoder";
import type { StreamEvent, StreamKind } from "./stream-spec.ts";

export type Emit = (e: StreamEvent) => void;

export interface StreamParser {
  /** Frames what this read completes and calls `emit` for each whole unit, in order. */
  push(chunk: Buffer, emit: Emit): void;
  /** At the end of the body: whatever is left that forms a unit (a last line without its newline). */
  end(emit: Emit): void;
}

export function createStreamParser(kind: StreamKind): StreamParser {
  if (kind === "sse") return new SseFramer();
  if (kind === "ndjson") return new LineFramer();
  return new ChunkFramer();
}

class ChunkFramer implements StreamParser {
  readonly #decoder = new StringDecoder("utf8");
  push(chunk: Buffer, emit: Emit): void {
    const data = this.#decoder.write(chunk);
    if (data !== "") emit({ event: "", data });
  }
  end(emit: Emit): void {
    const data = this.#decoder.end();
    if (data !== "") emit({ event: "", data });
  }
}

class LineFramer implements StreamParser {
  readonly #decoder = new StringDecoder("utf8");
  #rest = "";
  push(chunk: Buffer, emit: Emit): void {
    let text = this.#rest + this.#decoder.write(chunk);
    let nl = text.indexOf("\n");
    while (nl >= 0) {
      const line = text.charCodeAt(nl - 1) === 13 ? text.slice(0, nl - 1) : text.slice(0, nl);
      if (line.trim() !== "") emit({ event: "", data: line });
      text = text.slice(nl + 1);
      nl = text.indexOf("\n");
    }
    this.#rest = text;
  }
  end(emit: Emit): void {
    const line = this.#rest + this.#decoder.end();
    this.#rest = "";
    if (line.trim() !== "") emit({ event: "", data: line });
  }
}

class SseFramer implements StreamParser {
  readonly #decoder = new StringDecoder("utf8");
  #rest = "";
  push(chunk: Buffer, emit: Emit): void {
    let text = this.#rest + this.#decoder.write(chunk);
    if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
    let at = text.indexOf("\n\n");
    let from = 0;
    while (at >= 0) {
      this.#event(text.slice(from, at), emit);
      from = at + 2;
      at = text.indexOf("\n\n", from);
    }
    this.#rest = from === 0 ? text : text.slice(from);
  }
  /** The SSE spec drops an event that no blank line closed; so does this. */
  end(_emit: Emit): void {
    this.#rest = "";
    this.#decoder.end();
  }
  #event(block: string, emit: Emit): void {
    let event = "";
    let data: string | undefined;
    for (const line of block.split("\n")) {
      if (line === "" || line.charCodeAt(0) === 58 /* ":" comment */) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === "data") data = data === undefined ? value : `${data}\n${value}`;
      else if (field === "event") event = value;
    }
    // an event without data is not dispatched (the SSE spec)
    if (data !== undefined) emit({ event, data });
  }
}
