// Is a loopback port free to listen on? Asked before a testbed creates a proxy or starts a service there, so
// that a port held by a stale run is named as such instead of surfacing as a Toxiproxy 500 or a health probe
// that answers for someone else's process.
import { createServer } from "node:net";

export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** Host and port of "host:port" or an http URL. */
export function hostPort(address: string): { host: string; port: number } {
  const u = new URL(/^[a-z]+:\/\//i.test(address) ? address : `tcp://${address}`);
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) };
}
