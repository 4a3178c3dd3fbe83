// Listening, the ready line and shutdown plumbing shared by the three services.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { watchDescriptors } from "./fd-watch.ts";
import type { Logger } from "./log.ts";

export interface ListenOptions {
  host: string;
  port: number;
  logger: Logger;
  /** `crash-on-emfile`: running out of descriptors kills the process. */
  crashOnEmfile: boolean;
}

/**
 * Listens and prints the one ready line `listening http://HOST:PORT` on stdout. Running out of descriptors
 * is logged and survived: libuv drops what it cannot accept and accepts again once descriptors come back.
 */
export async function listen(server: Server, opts: ListenOptions): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept queue: a burst of thousands of clients must queue in the kernel, not be dropped.
    server.listen({ port: opts.port, host: opts.host, backlog: 4096 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  watchDescriptors(opts.logger, opts.crashOnEmfile);
  server.on("error", (err: NodeJS.ErrnoException) => {
    opts.logger.event("server_error", { code: err.code, message: err.message });
  });
  // Clients that send garbage or vanish get a 400 or nothing, never a crash.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && err.code !== "ECONNRESET")
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const url = `http://${host}:${port}`;
  process.stdout.write(`listening ${url}\n`);
  return url;
}

/** The environment a parent gives the children it wants to outlive it never (see exitWithParent). */
export const PARENT_PID_ENV = "RBEE_PARENT_PID";

/**
 * Started by a parent with an IPC channel (the hive, startDemoRbee): exit with it, never be left behind. A
 * parent that died while this process was still loading took the channel with it before the 'disconnect'
 * listener existed: then the parent's pid, from the environment, is no longer ours.
 */
export function exitWithParent(onParentGone: () => void): void {
  const parent = Number(process.env[PARENT_PID_ENV]);
  if (!process.channel) {
    if (parent > 0 && process.ppid !== parent) onParentGone();
    return;
  }
  process.channel.unref();
  process.on("disconnect", onParentGone);
}

/** Prints a flag error and exits 2, the usual code for bad usage. */
export function exitOnBadInput(err: unknown): never {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
}
