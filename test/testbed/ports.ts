// Ports of the testbed tests: HIVESTORM_TEST_PORT_SHIFT (default 16000) + 700 and up, so that two checkouts
// can test at once. Each test file takes its own block of ten.
import { connect } from "node:net";
import { fileURLToPath } from "node:url";

export function portBlock(file: number): number {
  return Number(process.env.HIVESTORM_TEST_PORT_SHIFT || 16_000) + 700 + file * 10;
}

export const ECHO_SERVER = fileURLToPath(new URL("./fixtures/echo-server.mjs", import.meta.url));

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** GET a URL: its body and how long it took. */
export async function timedGet(url: string): Promise<{ text: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { text, ms: performance.now() - t0 };
}
