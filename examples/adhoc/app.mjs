// A small backend for the ad-hoc example: answers GET /health, and anything else with which backend it is.
// Plain Node, no dependency: it stands for a service of your own.
//   node examples/adhoc/app.mjs --name app-1 --port 7401
import { createServer } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { name: { type: "string" }, port: { type: "string" } } });
if (!values.name || !values.port) {
  process.stderr.write("usage: node app.mjs --name NAME --port PORT\n");
  process.exit(2);
}
const name = values.name;

const server = createServer((req, res) => {
  if (req.url === "/health") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/json", "x-backend": name });
  res.end(`${JSON.stringify({ backend: name, path: req.url })}\n`);
});
server.listen(Number(values.port), "127.0.0.1", () => {
  process.stdout.write(`${name} listening on http://127.0.0.1:${values.port}\n`);
});
// Stop on SIGTERM (what the testbed sends), closing open connections.
process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
