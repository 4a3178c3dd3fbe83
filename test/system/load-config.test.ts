// Every way a config file can be wrong gets one message that names the file and the fix.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { loadSystemConfig } from "../../sdk/system/load-config.ts";

const SDK = resolve("sdk/index.ts");
const OPTIONS = { demoBugs: [] as string[], target: "process" as const, logDir: tmpdir() };
const GOOD = `{ name: "s", services: { app: { url: "http://127.0.0.1:9999", proxy: { listen: "127.0.0.1:9998" } } }, traffic: { service: "app", path: "/" } }`;

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "hs-config-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, ".."), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}
const load = (root: string, file = "c.config.ts", options = OPTIONS) => loadSystemConfig(root, file, options);

describe("loadSystemConfig", () => {
  it("loads a good config, with the flags it declares", async () => {
    const root = project({
      "c.config.ts": `import { defineSystem } from ${JSON.stringify(SDK)};\nexport const knownFlags = ["no-retry"];\nexport default defineSystem(${GOOD});`,
    });
    const { system, knownFlags } = await load(root);
    assert.equal(system.name, "s");
    assert.deepEqual(knownFlags, ["no-retry"]);
  });

  it("refuses an unknown system flag, listing the known ones", async () => {
    const root = project({
      "c.config.ts": `export const knownFlags = ["no-retry", "no-timeouts"];\nexport default ${GOOD};`,
    });
    await assert.rejects(
      load(root, "c.config.ts", { ...OPTIONS, demoBugs: ["no-retyr"] }),
      /no-retyr: unknown; c\.config\.ts knows no-retry, no-timeouts/,
    );
  });

  it("names a folder given as the config", async () => {
    const root = project({ "docs/a.md": "x" });
    await assert.rejects(load(root, "docs"), /--config docs is a folder, not a config file/);
  });

  it("names a syntax error with its line", async () => {
    const root = project({ "c.config.ts": "export default {\n  name: 'x',,\n};\n" });
    await assert.rejects(load(root), /c\.config\.ts has a syntax error: .*c\.config\.ts:2/);
  });

  it("names the file that threw while the config was imported", async () => {
    const root = project({
      "c.config.ts": `import "./lib/boom.ts";\nexport default ${GOOD};`,
      "lib/boom.ts": `\nthrow new Error("no model cache");\n`,
    });
    await assert.rejects(load(root), (e: Error) => {
      assert.match(e.message, /c\.config\.ts threw while it was loaded: no model cache/);
      assert.match(e.message, /lib\/boom\.ts:2/);
      return true;
    });
  });

  it("says the system function threw, and where", async () => {
    const root = project({ "c.config.ts": `export default () => { throw new Error("PORT missing"); };` });
    await assert.rejects(load(root), /the system function of c\.config\.ts threw: PORT missing/);
  });

  it("refuses a config without any proxy, saying how to declare one", async () => {
    const root = project({
      "c.config.ts": `export default { name: "s", services: { app: { url: "http://127.0.0.1:9999" } }, traffic: { service: "app", path: "/" } };`,
    });
    await assert.rejects(load(root), /no service declares a proxy; .*proxy: \{ listen/);
  });

  it("says a missing default export", async () => {
    const root = project({ "c.config.ts": "export const x = 1;" });
    await assert.rejects(load(root), /default: export default defineSystem/);
  });
});
