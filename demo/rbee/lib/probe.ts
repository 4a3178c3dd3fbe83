// One GET /health on a fresh connection, bounded in time: the hive's check of a worker, the queen's of the hive.
import { request } from "node:http";

export type ProbeResult = "ok" | "refused" | "timeout" | "error";

export function probe(url: string, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request(`${url}/health`, { agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200 ? "ok" : "error"));
      res.on("error", () => resolve("error"));
    });
    const timer = setTimeout(() => {
      req.destroy();
      resolve("timeout");
    }, timeoutMs);
    req.on("close", () => clearTimeout(timer));
    req.on("error", (err: NodeJS.ErrnoException) =>
      resolve(err.code === "ECONNREFUSED" ? "refused" : "error"),
    );
    req.end();
  });
}
