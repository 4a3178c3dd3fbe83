// Stand-in app for the local image while no demo entry exists: a health endpoint on loopback, and a clean exit
// on SIGTERM. `node /app/server.mjs` with PORT (default 8090).
import { createServer } from "node:http";

const port = Number(process.env.PORT ?? 8090);
const server = createServer((req, res) => {
  const ok = req.url === "/health";
  res.writeHead(ok ? 200 : 404, { "content-type": "application/json" });
  res.end(JSON.stringify(ok ? { status: "ok", pid: process.pid } : { error: "not found" }));
});
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ ready: true, port: typeof address === "object" ? address?.port : port })}\n`,
  );
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
