// Loopback guard: hivestorm sends traffic to 127.0.0.0/8, ::1 and localhost only, unless told otherwise.
import { isIP } from "node:net";
import { NonLoopbackTargetError } from "./errors.ts";

/** True for 127.0.0.0/8, ::1, ::ffff:127.x.y.z and the name localhost (with or without a trailing dot). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "localhost." || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h) || h === "0:0:0:0:0:0:0:1";
  return false;
}

/** Splits "host:port", "[::1]:port" or a URL into its host. */
export function hostOf(address: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return new URL(address).hostname.replace(/^\[|\]$/g, "");
  const bracket = /^\[([^\]]+)\](?::\d*)?$/.exec(address);
  if (bracket) return bracket[1];
  const i = address.lastIndexOf(":");
  return i < 0 ? address : address.slice(0, i);
}

/**
 * Throws NonLoopbackTargetError unless `address` (host:port or URL) is on loopback or `allow` is true.
 * `optIn` tells the user which switch allows it.
 */
export function assertLoopback(address: string, { allow = false, optIn = "" } = {}): void {
  if (allow) return;
  if (!isLoopbackHost(hostOf(address))) throw new NonLoopbackTargetError(address, optIn);
}
