// The engine a service names: its address checked like every other field, one client per address, and the
// engine read back from a client and from a ledger record (what a reaper needs to reach it).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  dockerClient,
  dockerEngineProblems,
  dockerFor,
  dockerHostProblem,
  engineOf,
  engineOfRecord,
} from "../../../sdk/system/targets/docker-engine.ts";
import { validateSystem } from "../../../sdk/system/validate-system.ts";

describe("docker engine per service", () => {
  it("names every problem of an engine address, and refuses one off loopback unless allowed", () => {
    assert.deepEqual(dockerEngineProblems({}, "services.a.docker", false), []);
    assert.deepEqual(dockerEngineProblems({ host: "127.0.0.1", port: 2375 }, "x", false), []);
    assert.deepEqual(
      dockerEngineProblems({ host: "", port: 0 }, "services.a.docker", false).map((p) => p.path),
      ["services.a.docker.host", "services.a.docker.port"],
    );
    const remote = dockerEngineProblems({ host: "10.0.0.5", port: 2375 }, "services.a.docker", false);
    assert.equal(remote.length, 1);
    assert.match(remote[0].message, /10\.0\.0\.5 is not loopback \(pass --allow-non-loopback/);
    assert.deepEqual(dockerEngineProblems({ host: "10.0.0.5", port: 2375 }, "x", true), []);
    assert.equal(dockerEngineProblems({ port: 2375 }, "x", false)[0].path, "x.host");
    assert.match(
      dockerEngineProblems({ host: "localhost", port: "2375" }, "x", false)[0].message,
      /found "2375"/,
    );
  });

  it("refuses a DOCKER_HOST off loopback unless allowed; a socket is local", () => {
    assert.equal(dockerHostProblem(undefined, false), undefined);
    assert.equal(dockerHostProblem("unix:///var/run/docker.sock", false), undefined);
    assert.equal(dockerHostProblem("tcp://127.0.0.1:2375", false), undefined);
    assert.match(
      dockerHostProblem("tcp://10.1.2.3:2375", false)?.message ?? "",
      /10\.1\.2\.3 is not loopback/,
    );
    assert.equal(dockerHostProblem("tcp://10.1.2.3:2375", true), undefined);
  });

  it("keeps one client per address, and knows which engine a client talks to", () => {
    const a = dockerFor({ host: "127.0.0.1", port: 23750 });
    assert.equal(dockerFor({ host: "127.0.0.1", port: 23750 }), a);
    assert.notEqual(dockerFor({ host: "127.0.0.1", port: 23751 }), a);
    assert.deepEqual(engineOf(a), { host: "127.0.0.1", port: 23750 });
    assert.equal(dockerFor(undefined), dockerClient());
    assert.equal(dockerFor({ image: "x" } as never), dockerClient(), "a docker definition without an engine");
    assert.equal(engineOf(dockerClient()), undefined);
    assert.deepEqual(engineOfRecord({ kind: "container", engine: { host: "h", port: 1 } }), {
      host: "h",
      port: 1,
    });
    assert.equal(engineOfRecord({ kind: "container" }), undefined);
  });

  it("validates a service's engine with the rest of the definition, every problem at once", () => {
    const system = {
      name: "s",
      services: {
        a: {
          url: "http://127.0.0.1:7000",
          proxy: { listen: "127.0.0.1:7001" },
          docker: { image: "i", cmd: ["c"], host: "192.168.1.9", port: 70000 },
        },
      },
      traffic: { service: "a", path: "/" },
    };
    assert.throws(
      () => validateSystem("my.config.ts", system, false, "docker"),
      (e: Error) =>
        /services\.a\.docker\.host: 192\.168\.1\.9 is not loopback/.test(e.message) &&
        /services\.a\.docker\.port: expected the engine's TCP port/.test(e.message),
    );
  });
});
