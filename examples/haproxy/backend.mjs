#!/usr/bin/env node
// A small HTTP backend for the HAProxy example: it answers every request with a header naming itself
// (x-backend: A), so that a check can tell which backend served a request, and GET /health with 200 for
// HAProxy's health checks. Usage: node backend.mjs --name A --port 19101
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    name: { type: "string" },
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
  },
});
const problems = [];
if (!values.name) problems.push("--name: missing (the value of the x-backend header, e.g. A)");
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535)
  problems.push(`--port: expected a port number 1-65535, found ${JSON.stringify(values.port ?? null)}`);
if (problems.length) {
  process.stderr.write(`backend.mjs: invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}\n`);
  process.exit(2);
}

const server = createServer((req, res) => {
  // Drain any request body; the answer does not depend on it.
  req.resume();
  req.on("end", () => {
    const body = JSON.stringify(
      req.url === "/health" ? { ok: true, backend: values.name } : { backend: values.name, path: req.url },
    );
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-backend": values.name,
    });
    res.end(body);
  });
});
server.listen(port, values.host, () => {
  process.stdout.write(`backend ${values.name} listening on http://${values.host}:${port}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"])
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
