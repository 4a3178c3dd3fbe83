import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { HivestormError, ValidationError } from "../../sdk/core/errors.ts";
import type { SystemDefinition, SystemOptions } from "../../sdk/system/definition.ts";
import { loadSystem } from "../../sdk/testbed/load-system.ts";

const root = mkdtempSync(join(tmpdir(), "hivestorm-load-system-"));
after(() => rmSync(root, { recursive: true, force: true }));
const o = {
  flags: ["slow"],
  demoBugs: ["slow"],
  target: "process" as const,
  logDir: join(root, "logs"),
  root,
};

const good: SystemDefinition = {
  name: "one",
  services: { app: { url: "http://127.0.0.1:7201" } },
  traffic: { service: "app", path: "/" },
};

describe("loadSystem", () => {
  it("an inline definition, as given", async () => {
    const r = await loadSystem(good, o);
    assert.equal(r.system, good);
    assert.equal(r.source, "inline system definition");
  });

  it("a config file's default export, a function getting the run's options", async () => {
    writeFileSync(
      join(root, "fn.config.ts"),
      `export default (o) => ({ name: o.flags.join("+") + "@" + o.target, services: { app: { url: "http://127.0.0.1:7201", proxy: { listen: "127.0.0.1:7200" } } }, traffic: { service: "app", path: "/" } });\n`,
    );
    const r = await loadSystem("fn.config.ts", o);
    assert.equal(r.system.name, "slow@process");
    assert.equal(r.source, "fn.config.ts");
  });

  it("a missing file says how to make one", async () => {
    await assert.rejects(loadSystem("none.config.ts", o), (e: unknown) => {
      assert.ok(e instanceof HivestormError);
      assert.equal(e.code, "E_CONFIG");
      assert.match(e.message, /config file none\.config\.ts not found/);
      assert.match(e.details.hint ?? "", /hivestorm\.config\.ts/);
      return true;
    });
  });

  it("a file without a default export is refused", async () => {
    writeFileSync(join(root, "named.config.ts"), "export const system = {};\n");
    await assert.rejects(loadSystem("named.config.ts", o), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.input, "named.config.ts");
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ["default"],
      );
      return true;
    });
  });

  it("an invalid definition: one error naming the source and every problem", async () => {
    const bad = {
      name: "",
      services: { app: { url: "http://10.1.2.3:80", proxy: { listen: "nohost" } } },
      traffic: { service: "db", path: "x" },
    } as unknown as SystemDefinition;
    await assert.rejects(loadSystem(bad, o), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.equal(e.input, "inline system definition");
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ["name", "services.app.url", "services.app.proxy.listen", "traffic.service", "traffic.path"],
      );
      return true;
    });
  });

  it("a non-loopback service only with allowNonLoopback", async () => {
    const remote: SystemDefinition = { ...good, services: { app: { url: "http://10.1.2.3:80" } } };
    await assert.rejects(loadSystem(remote, o), /not loopback/);
    const r = await loadSystem(remote, { ...o, allowNonLoopback: true });
    assert.equal(r.system.services.app.url, "http://10.1.2.3:80");
  });

  it("options reach a function config untouched", async () => {
    let seen: SystemOptions | undefined;
    await loadSystem((opts) => {
      seen = opts;
      return good;
    }, o);
    assert.deepEqual(seen, { ...o });
  });
});
