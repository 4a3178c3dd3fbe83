import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { basename, resolve } from "node:path";
import { describe, it } from "node:test";
import { nodeBinary, onDeno } from "../../sdk/core/node-binary.ts";

const DENO = resolve("node_modules/.bin/deno");
const MODULE = resolve("sdk/core/node-binary.ts");
const underDeno = (code: string, env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(DENO, ["eval", "--ext=ts", code], { encoding: "utf8", env: { ...env, NO_COLOR: "1" } });

describe("nodeBinary", () => {
  it("is this process's binary under Node", () => {
    assert.equal(onDeno, false);
    assert.equal(nodeBinary(), process.execPath);
  });

  it("is the node on PATH under Deno, not deno itself", () => {
    const out = underDeno(
      `import { nodeBinary, onDeno } from ${JSON.stringify(MODULE)}; console.log(onDeno, nodeBinary());`,
    ).trim();
    const [flag, file] = out.split(" ");
    assert.equal(flag, "true");
    assert.equal(basename(file), "node");
    assert.equal(execFileSync(file, ["-p", "process.release.name"], { encoding: "utf8" }).trim(), "node");
  });

  it("under Deno without a node on PATH: one error naming PATH and what to do", () => {
    const out = underDeno(
      `import { nodeBinary } from ${JSON.stringify(MODULE)};
       try { nodeBinary(); } catch (e) { console.log((e as Error).message); }`,
      { ...process.env, PATH: "/nonexistent" },
    );
    assert.match(out, /no node binary on PATH/);
    assert.match(out, /PATH=\S*\/nonexistent/);
    assert.match(out, /install Node 20\+/);
  });
});
