// The HAProxy example: Debian's haproxy in front of two small Node backends (A and B), each behind a Toxiproxy
// proxy so that HAProxy's health checks and traffic cross it. Run it with
//   npx tsx scripts/run-all.ts --config examples/haproxy/haproxy.config.ts
// (see docs/own-system.md). Every address is on loopback; the ports are in ports.ts.
import { join } from "node:path";
import { defineSystem } from "../../sdk/index.ts";
import { retries } from "./haproxy-stats.ts";
import { address, PORTS } from "./ports.ts";

export default defineSystem(({ root }) => {
  const here = join(root, "examples/haproxy");
  const backend = (name: string, port: number, proxyPort: number) => ({
    command: [process.execPath, join(here, "backend.mjs"), "--name", name, "--port", String(port)],
    url: `http://${address(port)}`,
    // HAProxy talks to the backend through this proxy: network faults on the backend land here.
    proxy: { listen: address(proxyPort) },
  });
  return {
    name: "HAProxy in front of two backends (examples/haproxy)",
    // The built-in scenarios act on roles: HAProxy is the public API, backend A a service behind it. No
    // service lists instances, so the scenarios that need workers are skipped, each with the reason.
    roles: { gateway: "haproxy", backend: "app-a" },
    services: {
      "app-a": backend("A", PORTS.appA, PORTS.appAProxy),
      "app-b": backend("B", PORTS.appB, PORTS.appBProxy),
      haproxy: {
        // -db: stay in the foreground (the run owns the process and stops it); haproxy.cfg reads its addresses
        // from the environment.
        command: ["haproxy", "-db", "-f", join(here, "haproxy.cfg")],
        env: {
          HAPROXY_BIND: address(PORTS.haproxy),
          HAPROXY_STATS: address(PORTS.stats),
          BACKEND_A: address(PORTS.appAProxy),
          BACKEND_B: address(PORTS.appBProxy),
        },
        url: `http://${address(PORTS.haproxy)}`,
        health: "/haproxy-health",
        // Requests HAProxy sent again (its stats' wretr + wredis): the retry scenarios read it around a fault.
        counters: { retries },
      },
    },
    scenarios: ["examples/haproxy/scenarios"],
    traffic: {
      service: "haproxy",
      method: "GET",
      path: "/",
      rate: 20,
      timeout: "5s",
      // Which backend answered each request, for expect.share / expect.captured.
      capture: { backend: "header:x-backend" },
    },
  };
});
