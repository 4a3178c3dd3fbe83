// The worker's registration, heartbeat and deregistration calls to the hive: plain node:http on one kept-alive
// connection, bounded at 2 s. Two heartbeats a second per worker through fetch cost more CPU than an idle
// worker's everything else.
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 2 });
const TIMEOUT_MS = 2000;

export function hiveCall(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent,
      headers:
        payload === undefined
          ? {}
          : { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`${method} ${url} timed out after ${TIMEOUT_MS} ms`)),
      TIMEOUT_MS,
    );
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        text += c;
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: text });
      });
      res.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
}
