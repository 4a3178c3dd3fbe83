// A system of one's own for the ad-hoc example: two small backends (app.mjs), each behind a Toxiproxy proxy.
// Clients use the proxies' addresses (:7400, :7410); faults act there. HIVESTORM_PORT_OFFSET shifts every port.
import { fileURLToPath } from "node:url";
import { defineSystem } from "../../sdk/index.ts";

const offset = Number(process.env.HIVESTORM_PORT_OFFSET ?? 0);
const app = fileURLToPath(new URL("./app.mjs", import.meta.url));

/** A backend on `port`, with its proxy on `port - 1`. */
function backend(name: string, port: number) {
  return {
    command: [process.execPath, app, "--name", name, "--port", String(port + offset)],
    url: `http://127.0.0.1:${port + offset}`,
    health: "/health",
    proxy: { listen: `127.0.0.1:${port - 1 + offset}` },
    startTimeout: "10s",
    stopGrace: "2s",
  };
}

export default defineSystem({
  name: "two apps (examples/adhoc)",
  services: { "app-1": backend("app-1", 7401), "app-2": backend("app-2", 7411) },
  // What run-all's background traffic would send; an ad-hoc script sends its own.
  traffic: { service: "app-1", method: "GET", path: "/", rate: 20 },
});
