// A definition with a compose file: the file's services become docker-target services, the config's services
// of the same name add what compose cannot say, and what does not fit is refused by name.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { applyCompose } from "../../../sdk/system/compose/compose-system.ts";
import type { SystemDefinition } from "../../../sdk/system/definition.ts";

const dir = mkdtempSync(join(tmpdir(), "hs-compose-sys-"));
const file = join(dir, "docker-compose.yml");
writeFileSync(
  file,
  `name: shop
services:
  db:
    image: db:local
    ports: ["7001:7001"]
    environment: [MODE=fast]
    stop_grace_period: 2s
    mem_limit: 64m
  api:
    image: api:local
    command: ["api", "--port", "7000"]
    ports: ["7000:7000"]
    depends_on: { db: { condition: service_healthy } }
    restart: unless-stopped
    labels: { team: checkout }
    healthcheck:
      test: ["CMD", "curl", "-f", "http://127.0.0.1:7000/ready"]
      interval: 2s
      retries: 5
      start_period: 10s
`,
);

const definition = (over: Partial<SystemDefinition> = {}): SystemDefinition => ({
  name: "shop",
  compose: "docker-compose.yml",
  services: {
    api: {
      url: "http://127.0.0.1:7000",
      command: ["not", "used"],
      env: { MODE: "config" },
      proxy: { listen: "127.0.0.1:6999" },
      apis: ["shop"],
      docker: { image: "ignored", cmd: [], host: "127.0.0.1", port: 2375 },
    },
  },
  traffic: { service: "api", path: "/" },
  ...over,
});

describe("applyCompose", () => {
  it("turns the file's services into containers, in depends_on order, with the config's additions", () => {
    const s = applyCompose("shop.config.ts", definition(), { root: dir, target: "docker" });
    assert.deepEqual(Object.keys(s.services), ["db", "api"]);
    const api = s.services.api;
    assert.equal(api.command, undefined, "compose says how it runs");
    assert.equal(api.url, "http://127.0.0.1:7000");
    assert.deepEqual(api.proxy, { listen: "127.0.0.1:6999" });
    assert.deepEqual(api.apis, ["shop"]);
    assert.equal(api.health, "/ready");
    assert.equal(api.startTimeout, "20000ms", "start_period + interval × retries");
    assert.deepEqual(api.env, { MODE: "config" });
    assert.deepEqual(api.docker, {
      image: "api:local",
      cmd: ["api", "--port", "7000"],
      name: "shop-api-1",
      binds: [],
      memoryBytes: undefined,
      keepRunning: true,
      labels: { team: "checkout", "hivestorm.compose.project": "shop", "hivestorm.compose.service": "api" },
      host: "127.0.0.1",
      port: 2375,
    });
    const db = s.services.db;
    assert.equal(db.url, "http://127.0.0.1:7001");
    assert.equal(db.health, undefined, "no healthcheck: the default probe");
    assert.deepEqual(db.env, { MODE: "fast" });
    assert.equal(db.stopGrace, "2000ms");
    assert.equal(db.docker?.memoryBytes, 64 * 1024 * 1024);
    assert.equal(
      applyCompose("again", s, { root: dir, target: "docker" }),
      s,
      "applying twice changes nothing",
    );
  });

  it("--compose names the file when the config does not, and wins when it does", () => {
    const s = applyCompose("x", definition({ compose: "elsewhere.yml" }), {
      root: "/",
      target: "docker",
      compose: file,
    });
    assert.deepEqual(Object.keys(s.services), ["db", "api"]);
    const none = definition({ compose: undefined });
    assert.equal(
      applyCompose("x", none, { root: dir, target: "docker" }),
      none,
      "no compose file: unchanged",
    );
  });

  it("refuses a process target and a url on a port the file does not give the service", () => {
    assert.throws(
      () => applyCompose("shop.config.ts", definition(), { root: dir, target: "process" }),
      /compose: the compose file's services run as containers: run with --target docker/,
    );
    const wrong = definition();
    wrong.services.api.url = "http://127.0.0.1:7005";
    assert.throws(
      () => applyCompose("shop.config.ts", wrong, { root: dir, target: "docker" }),
      /services\.api\.url: port 7005 is not one the compose file gives api \(7000\)/,
    );
  });
});
