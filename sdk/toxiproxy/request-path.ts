// The request target as Go's net/http and gorilla/mux see it: percent-escapes decoded strictly (a bad one is a 400
// from Go's request parser), and paths that are not clean ("//proxies", "/a/../proxies") redirected with 301 to
// their clean form, for every method, before any route is matched.

export type RequestPath =
  | { kind: "path"; path: string }
  | { kind: "redirect"; location: string }
  | { kind: "bad-request" };

const HEX = /^[0-9a-fA-F]{2}$/;

/** Go's unescape in path mode: every "%" needs two hex digits; the bytes are then read as UTF-8. */
function percentDecode(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  const bytes: number[] = [];
  const src = Buffer.from(raw, "utf8");
  for (let i = 0; i < src.length; i++) {
    if (src[i] !== 0x25) {
      bytes.push(src[i]);
      continue;
    }
    const hex = src.toString("latin1", i + 1, i + 3);
    if (!HEX.test(hex)) return undefined;
    bytes.push(Number.parseInt(hex, 16));
    i += 2;
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Go's path.Clean, keeping a trailing slash as gorilla/mux's cleanPath does. */
export function cleanPath(p: string): string {
  if (p === "") return "/";
  const path = p.startsWith("/") ? p : `/${p}`;
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  let clean = `/${out.join("/")}`;
  if (path.endsWith("/") && clean !== "/") clean += "/";
  return clean;
}

/** Go's url.PathEscape-like escaping of a path for the Location header (encodePath mode, upper-case hex). */
function escapePath(path: string): string {
  let out = "";
  for (const b of Buffer.from(path, "utf8")) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~$&+,/:;=@]/.test(c)) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Reads a request target (origin form, or an absolute URL as Go accepts). */
export function requestPath(target: string): RequestPath {
  let raw = target;
  if (!raw.startsWith("/")) {
    const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*(.*)$/.exec(raw);
    if (m === null) return { kind: "path", path: raw };
    raw = m[1];
  }
  const q = raw.indexOf("?");
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? undefined : raw.slice(q + 1);
  const path = percentDecode(rawPath);
  if (path === undefined) return { kind: "bad-request" };
  const clean = cleanPath(path);
  if (clean !== path) {
    return { kind: "redirect", location: escapePath(clean) + (query === undefined ? "" : `?${query}`) };
  }
  return { kind: "path", path };
}
