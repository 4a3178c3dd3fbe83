// Writes of relayed tokens, held back until the event loop has read everything that was ready, then sent back
// to back. A relay that wrote each token as it read it would wake the next hop once per token (on a 2-core
// machine that wakeup costs more than the write); sent together, the next hop finds them all in one wakeup.
// The socket itself is corked (a response lets go of its socket when it ends, a keep-alive socket lives on):
// nothing is reordered, and every byte is sent within the same turn of the event loop.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";

const corked = new Set<Socket>();

function flush(): void {
  for (const s of corked) if (!s.destroyed) s.uncork();
  corked.clear();
}

/** `res.write(chunk)`, sent at the end of this event-loop turn with the other relays' writes. */
export function writeBatched(res: ServerResponse, chunk: Buffer | string): boolean {
  const socket = res.socket;
  if (socket && !corked.has(socket)) {
    if (corked.size === 0) setImmediate(flush);
    corked.add(socket);
    socket.cork();
  }
  return res.write(chunk);
}
