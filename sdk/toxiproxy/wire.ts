// JSON shapes exactly as Toxiproxy 2.12 prints them: key order, the stray "Logger":{}, float32 toxicity.
import { toFloat32 } from "./go-json.ts";
import type { ToxicDefinition } from "./toxic-definition.ts";

export interface ProxyView {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: readonly ToxicDefinition[];
}

export interface ToxicJson {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  Logger: Record<string, never>;
  toxics: ToxicJson[];
}

export function toxicJson(t: ToxicDefinition): ToxicJson {
  const attributes: Record<string, number> = {};
  for (const spec of t.kind.attributes) attributes[spec.name] = t.attributes[spec.name];
  return { attributes, name: t.name, type: t.type, stream: t.stream, toxicity: toFloat32(t.toxicity) };
}

export function proxyJson(p: ProxyView): ProxyJson {
  return {
    name: p.name,
    listen: p.listen,
    upstream: p.upstream,
    enabled: p.enabled,
    Logger: {},
    toxics: p.toxics.map(toxicJson),
  };
}

/** GET /proxies: an object keyed by name, sorted as Go sorts map keys (bytewise). */
export function proxyMapJson(proxies: readonly ProxyView[]): Record<string, ProxyJson> {
  const out: Record<string, ProxyJson> = {};
  const sorted = [...proxies].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const p of sorted) out[p.name] = proxyJson(p);
  return out;
}

export function errorBody(message: string, status: number): string {
  return `${JSON.stringify({ error: message, status })}\n`;
}

export function versionBody(version: string): string {
  return `{"version": ${JSON.stringify(version)}}\n`;
}
