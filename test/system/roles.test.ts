import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { proxyTargetProblems } from "../../sdk/chaos/network/resolve-proxy.ts";
import { resolveSelector } from "../../sdk/chaos/process/selector.ts";
import type { SystemDefinition } from "../../sdk/system/definition.ts";
import { roleOf, roleProblems, serviceOf } from "../../sdk/system/roles.ts";

const system: SystemDefinition = {
  name: "shop",
  roles: { gateway: "lb", backend: "app", workers: "pool", ghost: "nope" },
  services: {
    lb: { url: "http://127.0.0.1:1", command: ["lb"] },
    app: { url: "http://127.0.0.1:2", proxy: { listen: "127.0.0.1:3" }, dataDir: "/tmp/app", apis: ["shop"] },
    pool: { url: "http://127.0.0.1:4", instances: async () => [], counters: { retries: async () => 3 } },
  },
  traffic: { service: "lb", path: "/" },
};

describe("roles", () => {
  it("a role reference resolves through the system's map; a plain name is itself", () => {
    assert.equal(roleOf("@backend"), "backend");
    assert.equal(roleOf("app"), undefined);
    assert.equal(serviceOf(system, "@backend"), "app");
    assert.equal(serviceOf(system, "app"), "app");
    assert.equal(serviceOf(system, "@unmapped"), undefined);
  });

  it("needs met: no problem; each unmet need is one line naming the role, the service and the fix", () => {
    assert.deepEqual(
      roleProblems(
        system,
        { gateway: ["process"], backend: ["proxy", "dataDir", "api:shop"] },
        { target: "process" },
      ),
      [],
    );
    const p = roleProblems(
      system,
      { gateway: ["proxy", "counter:retries"], workers: ["process", "api:rbee-hive"], queue: [] },
      { target: "process" },
    );
    assert.equal(p.length, 5, p.join("\n"));
    assert.match(p[0], /^role gateway → lb: no proxy in front of it: declare proxy/);
    assert.match(p[1], /^role gateway → lb: exposes no retries counter: declare counters: \{ retries/);
    assert.match(p[2], /^role workers → pool: the run does not start it.*give it a command/);
    assert.match(p[3], /^role workers → pool: does not speak the rbee-hive API/);
    assert.match(
      p[4],
      /^role queue \(a service of yours\) is not mapped: add roles: \{ queue: "<service>" \}/,
    );
    assert.match(
      roleProblems(system, { ghost: [] }, { target: "process" })[0],
      /maps to "nope", which is not a service/,
    );
  });

  it("the docker target's processes are the services with an image", () => {
    assert.match(
      roleProblems(system, { gateway: ["process"] }, { target: "docker" })[0],
      /give it a docker image/,
    );
  });

  it("process selectors: @workers is the pool's instances, @backend the service, unmapped roles say how", () => {
    assert.deepEqual(resolveSelector(system, "@workers"), { service: "pool", scope: "instances" });
    assert.deepEqual(resolveSelector(system, "@backend"), { service: "app", scope: "service" });
    assert.match(String(resolveSelector(system, "@cache")), /role cache .* is not mapped/);
    assert.match(
      String(resolveSelector({ ...system, roles: { workers: "app" } }, "@workers")),
      /role workers → app: it lists no instances/,
    );
  });

  it("network targets in a dry run: unknown service, unmapped role, no proxy", () => {
    assert.deepEqual(proxyTargetProblems(system, "@backend"), []);
    assert.match(proxyTargetProblems(system, "@gateway")[0].message, /service lb has no proxy/);
    assert.match(
      proxyTargetProblems(system, "db")[0].message,
      /no service "db"; this system has: lb, app, pool/,
    );
    assert.match(proxyTargetProblems(system, "@cache")[0].message, /role cache .* is not mapped/);
  });
});
