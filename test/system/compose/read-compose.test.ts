// Reading a compose file: the demo's, translated as hivestorm runs it, and bad files refused with one error
// that names every problem (unsupported keys included).
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { ValidationError } from "../../../sdk/core/errors.ts";
import { readComposeFile } from "../../../sdk/system/compose/read-compose.ts";

const DEMO = resolve("demo/rbee/docker-compose.yml");

function composeFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "hs-compose-")), "docker-compose.yml");
  writeFileSync(file, text);
  return file;
}

/** The problems of a file that must be refused, as "path: message" lines. */
function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    readComposeFile(composeFile(text), { env });
  } catch (error) {
    assert.ok(error instanceof ValidationError, String(error));
    return error.problems.map((p) => `${p.path}: ${p.message}`);
  }
  assert.fail("the file was accepted");
}

describe("readComposeFile", () => {
  it("reads the demo's file: start order, ports, health, environment, binds, restart, names", () => {
    const p = readComposeFile(DEMO, {
      env: { HIVESTORM_PORT_OFFSET: "5", RBEE_HIVE_PORT: "9206", RBEE_WORKERS: "w", RBEE_BUGS: "no-retry" },
    });
    assert.equal(p.name, "rbee-5");
    assert.deepEqual(
      p.services.map((s) => s.name),
      ["hive", "worker-0", "worker-1", "worker-2", "worker-3", "queen"],
    );
    const hive = p.services[0];
    assert.equal(hive.image, "hivestorm/node:local");
    assert.deepEqual(hive.ports, [9206]);
    assert.deepEqual(hive.health, { path: "/health", port: 9206, startTimeoutMs: 30_000 });
    assert.equal(hive.command?.[2], "--port=9206");
    assert.deepEqual(hive.environment, { RBEE_BUGS: "no-retry" });
    assert.ok(
      hive.binds.includes(`${resolve("node_modules/tsx")}:/app/node_modules/tsx:ro`),
      hive.binds.join(),
    );
    assert.equal(hive.keepRunning, false);
    const w1 = p.services[2];
    assert.equal(w1.containerName, "w-1");
    assert.equal(w1.keepRunning, true);
    assert.deepEqual(w1.dependsOn, ["hive"]);
    assert.deepEqual(w1.ports, [9301]);
    assert.equal(p.services[5].command?.includes("--hive-url=http://127.0.0.1:9201"), true, "the default");
  });

  it("names every problem of a bad file at once, unsupported keys included", () => {
    const problems = problemsOf(`
networks: { front: {} }
services:
  api:
    build: .
    image: my/api
    ports: ["8080:80", "9000-9001:9000-9001", "53:53/udp"]
    volumes: ["data:/data"]
    healthcheck: { test: ["CMD", "pgrep", "api"] }
    depends_on: [db, cache]
    restart: sometimes
    network_mode: bridge
    command: "serve && exit"
    environment:
      LEVEL: \${LOG_LEVEL}
  db:
    image: postgres:16
    ports: ["5432"]
    depends_on: [api]
`);
    const expected = [
      /^networks: not supported .*host network/,
      /^services\.api\.build: not supported: hivestorm does not build images/,
      /^services\.api\.network_mode: only "host" is supported/,
      /^services\.api\.ports\[0\]: published 8080 ≠ container port 80/,
      /^services\.api\.ports\[1\]: port ranges are not supported/,
      /^services\.api\.ports\[2\]: only tcp ports are supported/,
      /^services\.api\.healthcheck\.test: hivestorm probes health over HTTP/,
      /^services\.api\.command: shell operators are not run/,
      /^services\.api\.volumes\[0\]: named volumes are not supported \(data\)/,
      /^services\.api\.restart: expected no, always, unless-stopped or on-failure/,
      /^services\.api\.environment\.LEVEL: variable LOG_LEVEL is not set/,
      /^services\.api\.depends_on: unknown service "cache"/,
      /^services\.(api|db)\.depends_on: a cycle: (api → db → api|db → api → db)/,
    ];
    for (const re of expected)
      assert.ok(
        problems.some((p) => re.test(p)),
        `${re} among:\n${problems.join("\n")}`,
      );
    assert.equal(problems.length, expected.length, problems.join("\n"));
  });

  it("interpolates as compose does: defaults, required variables, $$", () => {
    const file = composeFile(`
services:
  a:
    image: "img:\${TAG:-1}"
    command: ["echo", "$$HOME", "\${EMPTY:-fallback}", "\${EMPTY-kept}", "$NAME"]
    ports: ["\${PORT:?the port is required}:\${PORT}"]
`);
    const p = readComposeFile(file, { env: { PORT: "7000", EMPTY: "", NAME: "n" } });
    assert.equal(p.services[0].image, "img:1");
    assert.deepEqual(p.services[0].command, ["echo", "$HOME", "fallback", "", "n"]);
    assert.deepEqual(p.services[0].ports, [7000]);
    const required = [
      "services:",
      "  a:",
      "    image: x",
      '    ports: ["$' + '{PORT:?the port is required}:1"]',
    ];
    const missing = problemsOf(required.join("\n"));
    assert.ok(
      missing.some((m) => /variable PORT is required: the port is required/.test(m)),
      missing.join("\n"),
    );
  });

  it("splits a string command as a shell would, without a shell", () => {
    const p = readComposeFile(
      composeFile(
        `services:\n  a:\n    image: x\n    ports: [7000]\n    command: node app.js --name "two words" 'x y'\n`,
      ),
    );
    assert.deepEqual(p.services[0].command, ["node", "app.js", "--name", "two words", "x y"]);
  });

  it("says where a YAML syntax error is, and that a missing file is missing", () => {
    assert.throws(
      () => readComposeFile(composeFile("services:\n  a: [\n")),
      (e: Error) => e instanceof ValidationError && /line \d+/.test(e.message),
    );
    assert.throws(() => readComposeFile("/nonexistent/docker-compose.yml"), /compose file .* not found/);
  });
});
