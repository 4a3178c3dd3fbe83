// Shared plumbing of the demo tests: start one demo service as a real process, read SSE, wait for things.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DEMO = fileURLToPath(new URL("../../../demo/rbee/", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface Service {
  url: string;
  pid: number;
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts demo/rbee/<name>.ts on port 0 and resolves with its URL once it printed its ready line. `prefix` runs
 * it under another command (e.g. prlimit).
 */
export function startService(
  name: "worker" | "hive" | "queen",
  args: string[],
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<Service> {
  const argv = [process.execPath, "--import", TSX, `${DEMO}${name}.ts`, "--port", "0", ...args];
  const [cmd, ...rest] = [...prefix, ...argv];
  const child = spawn(cmd, rest, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err = (err + c.toString()).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise<Service>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${name} did not start in 30 s\n${err}`));
    }, 30_000);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${e.code ?? e.signal}) before it was ready\n${err}`));
    });
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        pid: child.pid as number,
        child,
        exited,
        stderr: () => err,
        async kill(signal = "SIGKILL") {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill(signal);
          await Promise.race([exited, sleep(5000)]);
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
      });
    });
  });
}

const temporary: string[] = [];
process.on("exit", () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A directory removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

/** Removes `dir` when the test process exits (e.g. a demo's log directory). */
export function removeLater(dir: string): void {
  temporary.push(dir);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the value or undefined. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  timeoutMs: number,
  everyMs = 50,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** One HTTP request on a fresh connection, bounded by `timeoutMs` (rejects with "timeout"). */
export function http(
  method: string,
  url: string,
  body?: unknown,
  timeoutMs = 10_000,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent: false,
        headers: payload ? { "content-type": "application/json", ...headers } : headers,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          text += c;
        });
        res.on("end", () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            ms: Date.now() - started,
          });
        });
        res.on("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("timeout"));
    }, timeoutMs);
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(payload);
  });
}

export const json = <T = Record<string, unknown>>(r: Reply): T => JSON.parse(r.body) as T;

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** Splits an SSE body into events. */
export function sseEvents(body: string): SseEvent[] {
  return body
    .split("\n\n")
    .filter((b) => b.trim() !== "")
    .map((block) => {
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      return { event, data: data ? (JSON.parse(data) as Record<string, unknown>) : {} };
    });
}

/** Reads the JSON-lines log of a service. */
export function logLines(file: string): Array<Record<string, unknown>> {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export type ChaosMode = "pass" | "reset-every-other" | "blackhole" | "latency-500ms";

export interface ChaosProxy {
  url: string;
  mode: ChaosMode;
  accepted: number;
  close(): Promise<void>;
}

/**
 * A small TCP proxy in front of a real service, with the failure shapes the network scenarios use: pass
 * through, reset every other connection, blackhole (accept, never answer), or 500 ms each way. A mode applies
 * to connections opened after it is set.
 */
export async function chaosProxy(target: string): Promise<ChaosProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  };
  const proxy: ChaosProxy = {
    url: "",
    mode: "pass",
    accepted: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = createServer((client) => {
    track(client);
    proxy.accepted++;
    if (proxy.mode === "blackhole") {
      client.resume();
      return;
    }
    if (proxy.mode === "reset-every-other" && proxy.accepted % 2 === 1) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    track(upstream);
    if (proxy.mode === "latency-500ms") {
      // Every chunk, both ways, and the close after it, half a second late (equal delays fire in order).
      const delayed = (from: Socket, to: Socket) => {
        from.on("data", (c: Buffer) => setTimeout(() => to.writable && to.write(c), 500));
        from.on("close", () => setTimeout(() => to.destroy(), 500));
      };
      delayed(client, upstream);
      delayed(upstream, client);
      return;
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
