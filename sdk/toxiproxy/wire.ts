// JSON shapes exactly as Toxiproxy 2.12 prints them: key order, the stray "Logger":{}, float32 toxicity (-0
// included) and int64 attributes printed exactly. Built as text, since JSON.stringify can print neither.
import { formatFloat32 } from "./go-json.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";

export interface ProxyView {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: readonly ToxicDefinition[];
}

/** A string as Go's encoding/json prints it: HTML-safe (<, >, & escaped) and U+2028/U+2029 escaped. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const str = goString;

export function toxicJson(t: ToxicDefinition): string {
  const attributes = t.kind.attributes.map((spec) => `${str(spec.name)}:${t.exact[spec.name]}`).join(",");
  return (
    `{"attributes":{${attributes}},"name":${str(t.name)},"type":${str(t.type)},` +
    `"stream":${str(t.stream)},"toxicity":${formatFloat32(t.toxicity)}}`
  );
}

export function toxicListJson(toxics: readonly ToxicDefinition[]): string {
  return `[${toxics.map(toxicJson).join(",")}]`;
}

export function proxyJson(p: ProxyView): string {
  return (
    `{"name":${str(p.name)},"listen":${str(p.listen)},"upstream":${str(p.upstream)},` +
    `"enabled":${p.enabled},"Logger":{},"toxics":${toxicListJson(p.toxics)}}`
  );
}

/** GET /proxies: an object keyed by name, sorted as Go sorts map keys (bytewise). */
export function proxyMapJson(proxies: readonly ProxyView[]): string {
  const sorted = [...proxies].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  return `{${sorted.map((p) => `${str(p.name)}:${proxyJson(p)}`).join(",")}}`;
}

/** /populate's answer: `{"proxies":[…]}`, or the error with the proxies done before it. */
export function populateJson(
  proxies: readonly ProxyView[],
  error?: { message: string; status: number },
): string {
  const list = proxies.length > 0 ? `[${proxies.map(proxyJson).join(",")}]` : "null";
  if (error === undefined) return `{"proxies":${list}}`;
  return `{"error":${str(error.message)},"status":${error.status},"proxies":${list}}`;
}

export function errorBody(message: string, status: number): string {
  return `{"error":${str(message)},"status":${status}}\n`;
}

export function versionBody(version: string): string {
  return `{"version": ${JSON.stringify(version)}}\n`;
}
