// Reads k6's `--out json` NDJSON (one {"type":"Point","metric":...,"data":{time,value,tags}} per sample)
// into a recorder, so a k6 run gets the same µs histogram, status counts and per-second timeline as the
// embedded engines. http_req_duration points are stamped at the end of the request.
import type { Recorder } from "../recorder.ts";
import type { ErrorKind } from "../types.ts";

interface Point {
  type?: string;
  metric?: string;
  data?: { time?: string; value?: number; tags?: Record<string, string> };
}

/** k6 error codes (lib/netext/httpext/error_codes.go) to hivestorm's kinds. */
export function k6ErrorKind(code: number): ErrorKind {
  if (code === 1050 || code === 1211) return "timeout"; // request timeout, dial timeout
  if (code >= 1100 && code < 1200) return "dns";
  if (code === 1212) return "refused";
  if (code === 1201 || code === 1220) return "reset"; // broken pipe, reset by peer
  return "other";
}

/** Feeds every request and check of the NDJSON text into `recorder`; returns the number of requests. */
export function readK6Points(ndjson: string, recorder: Recorder): number {
  let n = 0;
  for (const line of ndjson.split("\n")) {
    if (!line.includes('"Point"')) continue;
    let p: Point;
    try {
      p = JSON.parse(line) as Point;
    } catch {
      continue;
    }
    if (p.type !== "Point" || !p.data) continue;
    if (p.metric === "checks") {
      recorder.check(p.data.value === 1);
      continue;
    }
    if (p.metric !== "http_req_duration" || p.data.time === undefined) continue;
    const end = Date.parse(p.data.time) - performance.timeOrigin;
    const value = p.data.value ?? 0;
    const tags = p.data.tags ?? {};
    const status = Number(tags.status ?? 0) || 0;
    const code = Number(tags.error_code ?? 0);
    recorder.record(end - value, value, status, status === 0 ? k6ErrorKind(code) : undefined);
    n++;
  }
  return n;
}
