// Is a TCP port free on this machine, and if not, who holds it: asked before a service is started, so that a
// process a killed run left behind is named instead of being mistaken for the service we start.
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";

/** True when `host:port` can be listened on now. */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hex = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is "IP:PORT" in hex; state 0A is LISTEN; inode is field 9
      if (f.length > 9 && f[1]?.endsWith(`:${hex}`) && f[3] === "0A") inodes.add(f[9]);
    }
  }
  return inodes;
}

/** The pid listening on `port`, when /proc lets us see it (another user's process may not be visible). */
export function portHolder(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** Host and port of "host:port" or an http URL. */
export function hostPort(address: string): { host: string; port: number } {
  const u = new URL(/^[a-z]+:\/\//i.test(address) ? address : `tcp://${address}`);
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) };
}
