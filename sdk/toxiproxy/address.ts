// host:port handling with Go's error wording, since the API reports bind and resolve errors verbatim.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ApiError } from "./api-error.ts";

export interface HostPort {
  host: string;
  port: number;
}

/** Go's net.SplitHostPort plus port parsing; throws the message Go would give (without the "listen tcp: " part). */
export function splitHostPort(address: string): HostPort {
  // Go's net.Listen takes "" as every interface on a random port (reported as [::]:<port>).
  if (address === "") return { host: "", port: 0 };
  let host: string;
  let port: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0) throw new Error(`address ${address}: missing ']' in address`);
    host = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest === "") throw new Error(`address ${address}: missing port in address`);
    if (!rest.startsWith(":")) throw new Error(`address ${address}: missing port in address`);
    port = rest.slice(1);
  } else {
    const i = address.lastIndexOf(":");
    if (i < 0) throw new Error(`address ${address}: missing port in address`);
    host = address.slice(0, i);
    if (host.includes(":")) throw new Error(`address ${address}: too many colons in address`);
    port = address.slice(i + 1);
  }
  if (port === "") return { host, port: 0 };
  if (!/^\d+$/.test(port)) throw new Error(`lookup tcp/${port}: unknown port`);
  const n = Number(port);
  if (n > 65535) throw new Error(`address ${port}: invalid port`);
  return { host, port: n };
}

/** "ip:port", or "[ip6]:port", as Go prints a TCP address. */
export function formatAddress(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Resolves a host name to its first address, IPv4 first as Go's resolver does; an IP or "" is kept. */
export async function resolveHost(host: string): Promise<string> {
  if (host === "" || isIP(host) !== 0) return host;
  try {
    const all = await lookup(host, { all: true });
    return (all.find((a) => a.family === 4) ?? all[0]).address;
  } catch {
    throw new Error(`lookup ${host}: no such host`);
  }
}

/** Go's ResolveTCPAddr followed by String(): used to decide whether a proxy "differs". */
export async function resolveListen(address: string): Promise<string> {
  try {
    const { host, port } = splitHostPort(address);
    const ip = await resolveHost(host);
    return ip === "" ? `:${port}` : formatAddress(ip, port);
  } catch (error) {
    throw new ApiError(500, (error as Error).message);
  }
}
