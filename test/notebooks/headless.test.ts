import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkPage, type StaticServer, serveDirectory } from "../../notebooks/tooling/headless.ts";

describe("serveDirectory", () => {
  const dir = mkdtempSync(join(tmpdir(), "hivestorm-serve-"));
  let server: StaticServer;
  before(async () => {
    mkdirSync(join(dir, "site", "assets"), { recursive: true });
    writeFileSync(join(dir, "site", "index.html"), "<p>home</p>");
    writeFileSync(join(dir, "site", "assets", "a.js"), "export {};");
    writeFileSync(join(dir, "secret.txt"), "outside");
    server = await serveDirectory(join(dir, "site"));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("listens on loopback only, on an ephemeral port", () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.notEqual(server.url, "http://127.0.0.1:0/");
  });

  it("serves files with their content type, and a folder's index.html", async () => {
    const js = await fetch(`${server.url}assets/a.js`, { signal: AbortSignal.timeout(5000) });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get("content-type"), "text/javascript");
    assert.equal(
      await (await fetch(server.url, { signal: AbortSignal.timeout(5000) })).text(),
      "<p>home</p>",
    );
    assert.equal((await fetch(`${server.url}nope.html`, { signal: AbortSignal.timeout(5000) })).status, 404);
  });

  it("never serves a file outside its folder", async () => {
    // fetch() normalises "..", so send the raw path.
    const { port } = new URL(server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/../secret.txt", timeout: 5000 }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    assert.ok(status === 403 || status === 404, `status ${status}`);
  });
});

describe("checkPage", () => {
  it("counts charts in cells and reports the text of error cells", () => {
    const dom = `<html><head><style>.observablehq--error{color:red}</style></head><body><main>
      <div class="observablehq observablehq--cell"><svg><g></g></svg></div>
      <div class="observablehq observablehq--cell"><figure><svg></svg></figure></div>
      <div class="observablehq observablehq--cell observablehq--error"><span>RuntimeError: Failed to fetch</span></div>
    </main></body></html>`;
    const check = checkPage(dom);
    assert.equal(check.svgs, 2);
    assert.deepEqual(check.errors, ["RuntimeError: Failed to fetch"]);
  });

  it("does not take the stylesheet's class names for an error cell", () => {
    const check = checkPage(
      `<html><head><style>.observablehq--error{}</style></head><body><main></main></body></html>`,
    );
    assert.deepEqual(check, { svgs: 0, errors: [] });
  });
});
